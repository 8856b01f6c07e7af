-- The values behind the checks that name them (unmapped severities, statuses without a category,
-- fields found on no issue), most affected issues first.
select problem, value, issues
from marts.mapping_gaps
where value is not null
order by problem, issues desc, value
