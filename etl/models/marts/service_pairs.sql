-- materialize: temp table
-- Every pair of incidents on one service filed within the recurrence window, later first, with
-- the words of both summaries. Two incidents filed at the same moment are ordered by key, so
-- neither is lost. marts.recurrences weighs the evidence of each pair.
with

incidents as (
    select i.issue_key, i.service, i.created_at, w.words
    from marts.incidents as i
    join incident_words as w on w.summary = coalesce(i.summary, '') and w.service = i.service
)

select later.issue_key, earlier.issue_key as earlier_key, later.words, earlier.words as earlier_words
from incidents as later
join incidents as earlier
  on earlier.service = later.service
 and (earlier.created_at < later.created_at
      or (earlier.created_at = later.created_at and earlier.issue_key < later.issue_key))
 and marts.days_between(earlier.created_at, later.created_at)
     <= (select recurrence_window_days from config.settings)
