-- materialize: temp table
-- Rows of Jira CSV exports ("Export → CSV (all fields)") as the issue JSON Jira's REST API gives,
-- so every model downstream reads them exactly like synced issues (issue_payloads joins them in).
-- The importer stores each row untouched as [[header, value], ...] in column order, headers
-- repeating for multi-value fields (Labels, Component/s, Sprint, link columns); every decision
-- about what a column means is made here.
--
-- Dates: an export writes them in the exporting user's date format and time zone and carries no
-- offset, so they are read with the formats below and taken as UTC. A date in no known format is
-- passed on as written: stg_issue_candidates then quarantines the issue (Created, Resolved) with
-- the text in the reason instead of a guessed time.
--
-- Besides the issue_payloads columns this table has row_number (the file line the row began on),
-- date_problems (mapped dates that could not be read, with their column) and unmapped_columns
-- (headers no mapping uses), which the importer reports to the user.
--
-- A temp table, not a view: issue_payloads is read more than once per build, and converting is the
-- costly part (about 2x the whole build's time for a 20,000-row export as a view). It is still
-- never copied into the published file. To keep away from one row per cell, the columns of each
-- distinct header (one per export file) are classified once into a layout of positions, and each
-- row's values are picked out of its list by position.
with

csv_rows as (
    select seq, load_id, fetched_at, row_number, from_json(payload, '[["VARCHAR"]]') as pairs
    from raw.raw_csv_rows
),

keyed_rows as (
    select *, [p[1] for p in pairs] as header_list
    from csv_rows
),

headers as (
    select distinct header_list from keyed_rows
),

-- What each column is for; NULL means no mapping uses it.
columns as (
    select
        header_list,
        position,
        header,
        case lower(header)
            when 'issue key' then 'key'
            when 'issue id' then 'id'
            when 'summary' then 'summary'
            when 'issue type' then 'issuetype'
            when 'status' then 'status'
            when 'status category' then 'status_category'
            when 'priority' then 'priority'
            when 'resolution' then 'resolution'
            when 'created' then 'created'
            when 'updated' then 'updated'
            when 'resolved' then 'resolved'
            when 'due date' then 'due'
            when 'assignee' then 'assignee'
            when 'assignee id' then 'assignee_id'
            when 'labels' then 'label'
            when 'component/s' then 'component'
            when 'project key' then 'project_key'
            when 'project name' then 'project_name'
            -- Cloud writes the parent's id under Parent, other versions its key; both are read.
            when 'parent' then 'parent'
            when 'parent id' then 'parent'
            when 'parent key' then 'parent'
            when 'parent summary' then 'parent_summary'
            else case
                when regexp_matches(header, '^custom field \(.+\)$', 'i') then 'custom'
                when regexp_matches(header, '^(inward|outward) issue link \(.+\)$', 'i') then 'link'
            end
        end as role,
        -- "Custom field (Severity)" -> Severity, "Outward issue link (Relates)" -> Relates
        regexp_extract(header, '^[^(]*\((.+)\)$', 1) as bracketed
    from (
        select header_list, c.position, trim(c.name) as header
        from headers
        cross join unnest(header_list) with ordinality as c(name, position)
    )
),

custom_columns as (
    select header_list, bracketed as name, list(position order by position) as positions
    from columns
    where role = 'custom'
    group by all
),

layouts as (
    select
        c.header_list,
        min(position) filter (where role = 'key') as key_at,
        min(position) filter (where role = 'id') as id_at,
        min(position) filter (where role = 'summary') as summary_at,
        min(position) filter (where role = 'issuetype') as issuetype_at,
        min(position) filter (where role = 'status') as status_at,
        min(position) filter (where role = 'status_category') as status_category_at,
        min(position) filter (where role = 'priority') as priority_at,
        min(position) filter (where role = 'resolution') as resolution_at,
        min(position) filter (where role = 'created') as created_at,
        min(position) filter (where role = 'updated') as updated_at,
        min(position) filter (where role = 'resolved') as resolved_at,
        min(position) filter (where role = 'due') as due_at,
        min(position) filter (where role = 'assignee') as assignee_at,
        min(position) filter (where role = 'assignee_id') as assignee_id_at,
        min(position) filter (where role = 'project_key') as project_key_at,
        min(position) filter (where role = 'project_name') as project_name_at,
        min(position) filter (where role = 'parent_summary') as parent_summary_at,
        coalesce(list(position order by position) filter (where role = 'label'), []) as labels_at,
        coalesce(list(position order by position) filter (where role = 'component'), []) as components_at,
        coalesce(list(position order by position) filter (where role = 'parent'), []) as parents_at,
        -- "Outward issue link (Blocks)" on A naming B is A's outward link to B, as A's issuelinks
        -- list it in the API.
        coalesce(list({'position': position, 'type': bracketed,
                       'direction': case when lower(header) like 'inward%' then 'inward' else 'outward' end}
                      order by position) filter (where role = 'link'), []) as links_at,
        coalesce(list(header order by position) filter (where role is null and header <> ''), []) as unmapped_columns,
        coalesce(any_value(k.customs), []) as customs_at
    from columns as c
    left join (
        -- In the order of the header, so that the payload built from them is the same text each time.
        select header_list, list({'name': name, 'positions': positions, 'multi': len(positions) > 1}
                                 order by positions[1]) as customs
        from custom_columns
        group by all
    ) as k using (header_list)
    group by c.header_list
),

picked as (
    select
        r.seq,
        nullif(trim(r.pairs[l.key_at][2]), '') as issue_key,
        nullif(trim(r.pairs[l.id_at][2]), '') as issue_id,
        nullif(trim(r.pairs[l.summary_at][2]), '') as summary,
        nullif(trim(r.pairs[l.issuetype_at][2]), '') as issue_type,
        nullif(trim(r.pairs[l.status_at][2]), '') as status,
        nullif(trim(r.pairs[l.status_category_at][2]), '') as status_category,
        nullif(trim(r.pairs[l.priority_at][2]), '') as priority,
        nullif(trim(r.pairs[l.resolution_at][2]), '') as resolution,
        nullif(trim(r.pairs[l.assignee_at][2]), '') as assignee,
        nullif(trim(r.pairs[l.assignee_id_at][2]), '') as assignee_id,
        nullif(trim(r.pairs[l.project_key_at][2]), '') as project_key,
        nullif(trim(r.pairs[l.project_name_at][2]), '') as project_name,
        nullif(trim(r.pairs[l.parent_summary_at][2]), '') as parent_summary,
        [{'column': trim(r.pairs[i][1]), 'value': nullif(trim(r.pairs[i][2]), '')}
         for i in [l.created_at, l.updated_at, l.resolved_at, l.due_at]] as date_cells,
        [v for v in [nullif(trim(r.pairs[i][2]), '') for i in l.labels_at] if v is not null] as labels,
        [{'name': v} for v in [nullif(trim(r.pairs[i][2]), '') for i in l.components_at] if v is not null]
            as components,
        [{'position': i, 'kind': 'parent', 'type': null, 'direction': null,
          'value': nullif(trim(r.pairs[i][2]), '')} for i in l.parents_at]
        || [{'position': k.position, 'kind': 'link', 'type': k.type, 'direction': k.direction,
             'value': nullif(trim(r.pairs[k.position][2]), '')} for k in l.links_at] as reference_cells,
        [{'name': c.name, 'multi': c.multi,
          'values': [v for v in [nullif(trim(r.pairs[i][2]), '') for i in c.positions] if v is not null]}
         for c in l.customs_at] as custom_cells,
        l.unmapped_columns
    from keyed_rows as r
    join layouts as l using (header_list)
),

-- Dates in the formats Jira's export uses, depending on the exporter's profile: 12/Jun/20 8:13 AM
-- (the default), 12/Jun/20 08:13, 2020-06-12 08:13, 12.06.2020 08:13, and date-only variants.
-- Two-digit years come first so that "20" is never read as the year 20. Month names are English
-- only; numeric day/month orders that are ambiguous (06/12/2020) are not guessed.
dated as (
    select
        *,
        [try_strptime(d.value, [
            '%d/%b/%y %I:%M %p', '%d/%b/%Y %I:%M %p', '%d/%b/%y %H:%M', '%d/%b/%Y %H:%M',
            '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M',
            '%d.%m.%y %H:%M', '%d.%m.%Y %H:%M', '%d %b %Y %H:%M', '%d-%b-%Y %H:%M',
            '%d/%b/%y', '%d/%b/%Y', '%Y-%m-%d', '%d.%m.%y', '%d.%m.%Y'
        ]) for d in date_cells] as date_values
    from picked
),

mapped as (
    select
        * exclude (date_cells, date_values),
        -- Not a date we can read: passed on as written (ISO text with an offset still parses later).
        coalesce(strftime(date_values[1], '%Y-%m-%dT%H:%M:%S.%g+0000'), date_cells[1].value) as created,
        coalesce(strftime(date_values[2], '%Y-%m-%dT%H:%M:%S.%g+0000'), date_cells[2].value) as updated,
        coalesce(strftime(date_values[3], '%Y-%m-%dT%H:%M:%S.%g+0000'), date_cells[3].value) as resolved,
        coalesce(strftime(date_values[4], '%Y-%m-%d'), date_cells[4].value) as due,
        [date_cells[i] for i in range(1, 5)
         if date_cells[i].value is not null and date_values[i] is null
            and try_cast(date_cells[i].value as timestamptz) is null] as date_problems
    from dated
),

-- Parent and link columns hold an issue key, or an issue id whose key another row (of any export,
-- or a synced issue) gives.
references_ as (
    select seq, c.position, c.kind, c.type, c.direction, c.value
    from mapped
    cross join unnest(reference_cells) as t(c)
    where c.value is not null
),

known_keys as (
    select issue_id, arg_max(issue_key, seq) as issue_key
    from (
        select seq, issue_id, issue_key from mapped
        union all
        select seq, issue_id, issue_key from raw.raw_issues
    )
    where issue_key is not null
      and issue_id in (select value from references_ where regexp_matches(value, '^[0-9]+$'))
    group by issue_id
),

resolved_references as (
    select
        r.*,
        case when regexp_matches(r.value, '^[0-9]+$') then r.value end as ref_id,
        case when regexp_matches(r.value, '^[A-Za-z][A-Za-z0-9_]*-[0-9]+$') then r.value
             else k.issue_key end as ref_key
    from references_ as r
    left join known_keys as k on k.issue_id = r.value
),

parents as (
    select
        seq,
        min_by(ref_key, position) filter (where ref_key is not null) as parent_key,
        min_by(ref_id, position) filter (where ref_id is not null) as parent_id
    from resolved_references
    where kind = 'parent'
    group by seq
),

-- An export names only the link type, so its inward and outward descriptions are the name too.
links as (
    select
        seq,
        list(json_object(
            'type', json_object('name', type, 'inward', type, 'outward', type),
            direction || 'Issue', json_merge_patch('{}', json_object('id', ref_id, 'key', ref_key))
        ) order by position) as issuelinks
    from resolved_references
    where kind = 'link'
    group by seq
),

issues as (
    select
        m.*,
        -- Every key whose value is NULL is left out (json_merge_patch drops them), as the API leaves
        -- out fields it does not have. "Custom field (Severity)" becomes fields."Severity" as a
        -- select list gives it, {"value": ...}, or a list of those when the export repeats the column
        -- (a multi-value field). A custom field named like a standard one gives way to it.
        json_merge_patch(
            to_json(map_from_entries(
                [{'k': c.name, 'v': case when c.multi then to_json([{'value': v} for v in c.values])
                                         else to_json({'value': c.values[1]}) end}
                 for c in m.custom_cells if len(c.values) > 0])),
            json_object(
                'summary', m.summary,
                'issuetype', case when m.issue_type is not null then json_object('name', m.issue_type) end,
                'status', case when m.status is not null then json_merge_patch('{}', json_object(
                    'name', m.status,
                    'statusCategory', case lower(m.status_category)
                        when 'to do' then json_object('key', 'new')
                        when 'new' then json_object('key', 'new')
                        when 'in progress' then json_object('key', 'indeterminate')
                        when 'indeterminate' then json_object('key', 'indeterminate')
                        when 'done' then json_object('key', 'done')
                    end)) end,
                'priority', case when m.priority is not null then json_object('name', m.priority) end,
                'resolution', case when m.resolution is not null then json_object('name', m.resolution) end,
                'created', m.created,
                'updated', m.updated,
                'resolutiondate', m.resolved,
                'duedate', m.due,
                'assignee', case when coalesce(m.assignee, m.assignee_id) is not null
                                 then json_merge_patch('{}', json_object('displayName', m.assignee,
                                                                         'accountId', m.assignee_id)) end,
                'project', case when m.project_key is not null
                                then json_merge_patch('{}', json_object('key', m.project_key,
                                                                        'name', m.project_name)) end,
                'labels', to_json(m.labels),
                'components', to_json(m.components),
                'parent', case when coalesce(p.parent_key, p.parent_id) is not null
                               then json_merge_patch('{}', json_object(
                                   'id', p.parent_id, 'key', p.parent_key,
                                   'fields', case when m.parent_summary is not null
                                                  then json_object('summary', m.parent_summary) end)) end,
                'issuelinks', coalesce(to_json(l.issuelinks), to_json([]))
            )) as fields
    from mapped as m
    left join parents as p using (seq)
    left join links as l using (seq)
)

select
    r.seq,
    r.load_id,
    r.fetched_at,
    -- Where the export has no Issue id column the key stands in for it.
    coalesce(i.issue_id, i.issue_key) as issue_id,
    i.issue_key,
    i.updated as issue_updated,
    json_merge_patch('{}', json_object(
        'id', coalesce(i.issue_id, i.issue_key), 'key', i.issue_key, 'fields', i.fields)) as payload,
    r.row_number,
    i.date_problems,
    i.unmapped_columns
from csv_rows as r
join issues as i using (seq)
