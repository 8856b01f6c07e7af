-- materialize: temp view
-- Every summary an incident has, with its service: what marts.incident_words normalises. A missing
-- summary or service is '' so that it is a key like any other.
select distinct coalesce(summary, '') as summary, coalesce(service, '') as service
from marts.incidents
