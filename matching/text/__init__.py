"""Stage 1, text: one normalization (OpenCC t2s, NFKC, case, spaces) for both sides of every
comparison, and word segmentation behind one function (jieba)."""
