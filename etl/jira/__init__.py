"""Fetching incident history from Jira Cloud or Data Center into the raw store.

`commands` holds what the command line calls; `sync` the resumable run; `site`, `http` and
`paging` how we talk to Jira; `endpoints` which resources each flavour uses, as data.
"""
