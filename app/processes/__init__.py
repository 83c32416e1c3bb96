"""Internal processes (quy trình nội bộ): versioned, approved steps the workflow enforces."""
