"""The deal: what a deal file says, read safely and checked.

First stage of the pipeline. YAML is read with the line of every value (``yamlsource``),
turned into the typed terms model (``terms``) and checked field by field and across fields
(``validate``, ``rules``). ``inputs`` and ``batchfile`` find the deals of a run; ``writing``
writes deal files back. Nothing here knows about clauses, Word or the terminal.
"""
