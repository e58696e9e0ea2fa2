"""Import: a prospect list as people keep it, into the store, every row accounted for.

The pipeline, a module each: ``tables`` (a file's bytes -> header and text cells, the
encoding and delimiter found), ``columns`` (headers -> fields, by alias or the user's
mapping), ``rows`` (cells -> a checked record, or why the row can't be taken), ``known``
(which records are prospects already, and what changed), and ``importing`` (the run:
one transaction, the rejects file under output/).
"""
