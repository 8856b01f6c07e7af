-- Target attainment of the selection by class and severity, each class's total after its
-- severities and the overall total last (marts.target_attainment).
select *
from marts.target_attainment($sel)
order by total_level = 2, class nulls last, total_level, severity
