-- Names in Latvian alphabetical order without an ICU collation (the embedded server has none): Č after every C,
-- Ģ after G, Ķ after K, Ļ after L, Ņ after N, Š after S, Ž after Z; the long vowels Ā Ē Ī Ū sort with their
-- short ones (as CLDR's Latvian collation has it), then before them on a tie. Bytes, so that no collation of
-- the server changes the order. clients.models.LatvianSortKey calls it; the client list's index holds it.
CREATE OR REPLACE FUNCTION latvian_sort_key(name text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT convert_to(
        replace(replace(replace(replace(replace(replace(replace(
            translate(lower(translate(name, 'ĀČĒĢĪĶĻŅŠŪŽ', 'āčēģīķļņšūž')), 'āēīū', 'aeiu'),
            'č', 'c~'), 'ģ', 'g~'), 'ķ', 'k~'), 'ļ', 'l~'), 'ņ', 'n~'), 'š', 's~'), 'ž', 'z~'),
        'UTF8')
$$;
