"""Digests: each team's past-target and near-target items, newly stalled strategic items, items not
handed over and post-mortem gaps, delivered to Slack or e-mail without opening the dashboard.

A daily run after the nightly sync, for example:

    45 6 * * 1-5  cd /srv/followthrough && .venv/bin/python -m etl digest >> data/digest.log 2>&1
"""
