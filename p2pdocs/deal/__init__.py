"""The deal: what a deal file says, read safely and checked.

First stage of the pipeline. A file's bytes are checked to be UTF-8 text (``textfile``);
YAML is built from the parser's events with the line of every value (``yamlbuilder``,
behind ``yamlsource``'s ``read`` and ``parse``), each value's place a field path
(``fieldpath``). It is turned into the typed terms model (``terms``, made of the checked
values of ``values``) and checked field by field and across fields (``validate``,
``rules``, ``dates``); ``fieldtypes`` says what the model holds at a field path.
``inputs`` finds the deals of a run, ``batchfile`` reads a batch file deal by deal;
``shortnames`` names the parties; ``writing`` writes deal files back. Nothing here knows
about clauses, Word or the terminal.
"""
