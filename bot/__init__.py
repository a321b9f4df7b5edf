"""newsqa: answers questions about Chinese newspaper articles with the sentence that holds the fact."""
