-- materialize: incremental(words, earlier_words) from service_pairs
-- How alike the summaries of each pair in service_pairs are (etl/similarity.py), per distinct pair
-- of words, kept between publishes: the pairs grow with the square of a service's incidents, and a
-- nightly sync brings few new ones.
select words, earlier_words, summary_similarity(words, earlier_words) as similarity
from (
    select distinct words, earlier_words
    from service_pairs
    anti join {{this}} as kept using (words, earlier_words)
)
