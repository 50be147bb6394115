"""The domain of the supply–demand hub: regions, taxonomy, organizations, needs, suggestions,
audit; lifecycle rules; validation; import/export. Knows nothing of Flask or FAISS."""
