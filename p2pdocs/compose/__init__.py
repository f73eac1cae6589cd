"""Composition: which clauses a document contains, in what order, with what text.

Second stage. The clause library (``library``) is data a legal team owns; ``assemble``
decides which clauses a deal switches on and numbers them; clause text is rendered in a
sandboxed, strict jinja environment (``textenv``) over what it may refer to (``context``),
within bounds (``limits``). ``samples`` are the deals a library is checked against.
``kinds`` is the catalogue of document kinds every later stage reads (here because the
library's outline is by kind).
``view`` is the deal as the documents see it (names, dates, phrases), built once per deal;
``fields`` is the field catalogue (``fields.yaml``): what the documents know about each
deal field (label, clause, cover row, open item, words, standard position).
"""
