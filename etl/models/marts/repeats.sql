-- materialize: view
-- The returns that count as repeats ([recurrence].counts_as_repeat): what the recurrence rate and
-- every "repeat" figure and sentence count. See marts.recurrences for the evidence.
select * from marts.recurrences where counts_as_repeat
