-- Every check the Data health page runs, passed or not, with how to fix it: the problems
-- marts.mapping_gaps reports, counted, in the order a person should work through them. A problem
-- the marts report but this list does not know yet still shows, with a generic fix.
with

checks (position, problem, fix) as (
    values
    (1, 'severity value not in [severity_map]',
        'Map each value to SEV-1..SEV-4 under `[severity_map]`. Until then these incidents count as severity (none).'),
    (2, 'incident without severity',
        'Check that `[fields].severity` names the field your incidents keep their severity in (`python -m etl fields` lists the candidates).'),
    (3, 'incident without service',
        'Check that `[fields].service` names where the service is kept: `components`, `labels:<prefix>` or a field id.'),
    (4, 'action item tied to no incident',
        'Add the link type your post-mortems use to `[action_items].link_types`, or set `[action_items].parent` or `[action_items].epic_link_field` when items are sub-tasks or epic children.'),
    (5, 'action item matches no class rule',
        'Add their labels or issue types to `[classification]` (`strategic_labels`, `operational_labels`, ...), or name a class field in `[classification].field`.'),
    (6, 'action item without a changelog',
        'Their time in each status and whether they stalled are counted from their creation, as if they never moved. Sync them from Jira, or import JSON fetched with `expand=changelog`, for their real history.'),
    (7, 'status with no known category',
        'Give each status its category (new, indeterminate or done) under `[status_categories]`.'),
    (8, 'configured field found on no issue',
        'The field id is misspelt or from another site: run `python -m etl fields` and correct `[fields]`, `[classification].field` or `[action_items].epic_link_field`.')
)

select
    coalesce(c.problem, g.problem) as problem,
    coalesce(sum(g.issues), 0)::bigint as issues,
    count(g.value) as "values",
    coalesce(sum(g.issues), 0) = 0 and count(g.value) = 0 as passed,
    coalesce(c.fix, 'See the configuration reference in followthrough.example.toml.') as fix
from checks as c
full join marts.mapping_gaps as g using (problem)
group by all
order by min(c.position) nulls last, problem
