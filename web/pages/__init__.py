"""What the pages share: labels and display helpers, form choices, paging, the shared forms
that add to a record, suggestion and team cards, word search, the inbox and the API docs page."""
