-- The Overview's headline figures for one period; the page runs it for the selected period and
-- for the one before it. Defined in marts.period_figures, shared with the quarterly review.
select * from marts.period_figures($sel)
