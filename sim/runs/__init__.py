"""Running sessions: built-in mediator policies, batches, moves scripts, saving and resuming games,
JSONL transcripts, and ``compare`` (a class's games replayed and tabulated)."""
