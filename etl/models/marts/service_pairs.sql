-- materialize: temp table
-- Every pair of incidents on one service filed within the recurrence window, later first, with
-- the words of both summaries. Two incidents filed at the same moment are ordered by key, so
-- neither is lost. marts.recurrences weighs the evidence of each pair.
with

-- Time is cut into spans at least a window long, so a pair within the window lies in one span or
-- two neighbouring ones: joining on the span as well as the service compares each incident with
-- those of two spans instead of every earlier incident of its service.
incidents as (
    select i.issue_key, i.service, i.created_at, w.words,
           floor(epoch(i.created_at) / (86400 * greatest((select recurrence_window_days from config.settings), 1)))
               as span
    from marts.incidents as i
    join incident_words as w on w.summary = coalesce(i.summary, '') and w.service = i.service
),

candidates as (
    select later.*, earlier.issue_key as earlier_key, earlier.created_at as earlier_created_at,
           earlier.words as earlier_words
    from incidents as later
    join incidents as earlier on earlier.service = later.service and earlier.span = later.span
    union all
    select later.*, earlier.issue_key, earlier.created_at, earlier.words
    from incidents as later
    join incidents as earlier on earlier.service = later.service and earlier.span = later.span - 1
)

select issue_key, earlier_key, words, earlier_words
from candidates
where (earlier_created_at < created_at or (earlier_created_at = created_at and earlier_key < issue_key))
  and marts.days_between(earlier_created_at, created_at) <= (select recurrence_window_days from config.settings)
