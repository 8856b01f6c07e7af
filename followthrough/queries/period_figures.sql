-- The headline figures of one period under the filters (marts.period_figures): the Overview runs it
-- for the selected period and the one before, the quarterly review for a quarter and the one before.
-- Their labels and help are catalogued in followthrough/figures.py.
select * from marts.period_figures($sel)
