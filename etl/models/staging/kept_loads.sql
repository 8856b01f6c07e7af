-- materialize: temp view
-- The loads a publish counts, defined once for every model that reads raw rows: complete loads
-- only (a load that failed or was killed is left out until a resumed sync completes its run), and
-- only the configured site's (an import is of the site configured when it ran; one of no known
-- site is of every site): issue ids repeat across sites, so two sites' issues would merge.
-- `python -m etl status` lists what is left out.
select *
from raw.complete_loads
where site is null or site = coalesce(nullif((select site_url from config.settings), ''), site)
