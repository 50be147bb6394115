"""Stage 5, wording: the reasons people read (zh / zh-Hant / en sentences, never feature dumps)
for suggestions, gaps and team proposals. Selection never happens here."""
