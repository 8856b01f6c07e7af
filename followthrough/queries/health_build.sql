-- What the published database was built from and when, and what it holds.
select * from marts.build_info
