"""Changed organizations applied to a built matcher in place, without re-indexing the rest.

A full index of 100,000 profiles takes tens of seconds; one edited profile must reach matching
within a second. So the rows of the changed (or new) organizations are replaced in the feature
table, the lexical matrix, the dense vectors and the FAISS index. Cost: one copy of each sparse
matrix's arrays (linear in its non-zeros), no re-fitting. The lexical vocabulary and its IDF weights stay
those of the last full build (a profile's new character pairs count from the next rebuild),
which is why a full rebuild still runs when the catalog drifts (`ensure_index`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from matching.channels.features import OrgTable
from matching.channels.lexical import LexicalChannel
from matching.records import OrgRecord
from matching.text.normalize import normalize

_EMPTY = np.zeros(0, dtype=np.int64)


def upsert(matcher, records: Sequence[OrgRecord]) -> list[int]:
    """Replace or append `records` in `matcher` (a `Matcher`); returns their rows."""
    if not records:
        return []
    rows = _upsert_table(matcher.table, records)
    texts = [r.profile_text() for r in records]
    _upsert_lexical(matcher.lexical, rows, [r.id for r in records], texts)
    if matcher.org_vecs is not None and matcher.encoder is not None:
        vecs = np.asarray(matcher.encoder.encode(texts), dtype=matcher.org_vecs.dtype)
        matcher.org_vecs = _set_rows(matcher.org_vecs, rows, vecs)
        if matcher.vector_index is not None:
            matcher.vector_index.add([r.id for r in records], vecs)
    return rows


def _set_rows(dense: np.ndarray, rows: list[int], values: np.ndarray) -> np.ndarray:
    grow = max(rows) + 1 - len(dense)
    if grow > 0:
        dense = np.vstack([dense, np.zeros((grow, dense.shape[1]), dtype=dense.dtype)])
    dense[rows] = values
    return dense


def _replace_rows(matrix: sparse.csr_matrix, n: int, rows: list[int], new: sparse.spmatrix):
    """`matrix` grown to `n` rows with `rows` replaced by the rows of `new`, in one copy of
    its arrays (slices of the old rows around the replaced ones; appended rows at the end)."""
    old, new = sparse.csr_matrix(matrix), sparse.csr_matrix(new)
    lengths = np.zeros(n, dtype=np.int64)
    lengths[: old.shape[0]] = np.diff(old.indptr)
    data, indices, cursor = [], [], 0
    for k in sorted(range(len(rows)), key=rows.__getitem__):
        stop = min(rows[k], old.shape[0])
        if stop > cursor:
            data.append(old.data[old.indptr[cursor] : old.indptr[stop]])
            indices.append(old.indices[old.indptr[cursor] : old.indptr[stop]])
        data.append(new.data[new.indptr[k] : new.indptr[k + 1]].astype(old.dtype))
        indices.append(new.indices[new.indptr[k] : new.indptr[k + 1]].astype(old.indices.dtype))
        lengths[rows[k]] = new.indptr[k + 1] - new.indptr[k]
        cursor = max(cursor, rows[k] + 1)
    if cursor < old.shape[0]:
        data.append(old.data[old.indptr[cursor] :])
        indices.append(old.indices[old.indptr[cursor] :])
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    return sparse.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), indptr), shape=(n, old.shape[1])
    )


def _upsert_table(table: OrgTable, records: Sequence[OrgRecord]) -> list[int]:
    rows = []
    for rec in records:
        i = table.pos.get(rec.id)
        if i is None:
            i = len(table.orgs)
            table.orgs.append(rec)
            table.ids.append(rec.id)
            table.pos[rec.id] = i
        else:
            for area in set(table.orgs[i].areas):
                held = table.by_area.get(area, _EMPTY)
                table.by_area[area] = held[held != i]
            table.orgs[i] = rec
        for area in set(rec.areas):
            table.by_area[area] = np.union1d(table.by_area.get(area, _EMPTY), [i])
        rows.append(i)
    n = len(table.orgs)
    cidx = {c: j for j, c in enumerate(table.categories)}
    pairs = [(k, cidx[c]) for k, rec in enumerate(records) for c in rec.categories if c in cidx]
    new = sparse.csr_matrix(
        (np.ones(len(pairs)), ([p[0] for p in pairs], [p[1] for p in pairs])),
        shape=(len(records), len(table.categories)),
    )
    table.cat_matrix = _replace_rows(table.cat_matrix, n, rows, new)
    csc = table.cat_matrix.tocsc()
    table.by_category = [
        csc.indices[csc.indptr[j] : csc.indptr[j + 1]] for j in range(len(table.categories))
    ]
    table._coverage = {}
    for name, value in (
        ("capacity_left", lambda o: o.capacity_left),
        ("credit", lambda o: float(o.credit or 0.0)),
        ("satisfaction", lambda o: 0.0 if o.satisfaction is None else (o.satisfaction - 80) / 20),
    ):
        column = np.resize(getattr(table, name).astype(np.float64), n)
        column[rows] = [value(o) for o in records]
        setattr(table, name, column)
    return rows


def _upsert_lexical(
    lexical: LexicalChannel, rows: list[int], ids: list[str], texts: list[str]
) -> None:
    if lexical.vectorizer is None or lexical.matrix is None:
        return
    norm = [normalize(t) for t in texts]
    for i, oid, text in zip(rows, ids, norm, strict=True):
        if i < len(lexical.ids):
            lexical.ids[i], lexical.norm_texts[i] = oid, text
        else:
            lexical.ids.append(oid)
            lexical.norm_texts.append(text)
    n = len(lexical.ids)
    lexical.matrix = _replace_rows(lexical.matrix, n, rows, lexical.vectorizer.transform(norm))
