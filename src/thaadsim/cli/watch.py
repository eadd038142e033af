"""``thaadsim watch``: which missile flights a radar observes (issue 14; being built)."""
