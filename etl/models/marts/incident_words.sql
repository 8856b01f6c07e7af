-- materialize: incremental(summary, service) from incident_summaries
-- The words of each incident summary that say what happened (etl/similarity.py: normalised), kept
-- between publishes: normalising is Python, one call per summary, and a nightly sync changes few.
select s.summary, s.service, summary_words(s.summary, s.service) as words
from incident_summaries as s
anti join {{this}} as kept using (summary, service)
