"""The states stored for the as-of time are the states computed for it. marts.action_item_states is a
view of the columns marts.action_item_target_states begins with, so it holds one copy of them: it
must stay exactly what marts.states_at gives at the as-of time, column for column and row for row."""
import duckdb


def test_the_stored_states_are_the_states_at_the_as_of_time(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        (as_of,) = con.execute("SELECT as_of FROM staging.stg_as_of").fetchall()[0]
        computed = f"SELECT * FROM marts.states_at(TIMESTAMP '{as_of}', false)"
        columns = lambda query: [c[:2] for c in con.execute(f"DESCRIBE {query}").fetchall()]  # noqa: E731
        assert columns("SELECT * FROM marts.action_item_states") == columns(computed)
        count = lambda query: con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0]  # noqa: E731
        assert count("SELECT * FROM marts.action_item_states") == count("SELECT * FROM marts.action_items") > 100
        assert count(f"SELECT * FROM marts.action_item_states EXCEPT ALL {computed}") == 0
        assert count(f"{computed} EXCEPT ALL SELECT * FROM marts.action_item_states") == 0
