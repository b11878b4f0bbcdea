"""Execution backends for the batchable stages (embedding, NLI). `local` is the stage modules themselves."""
