"""The procedure catalogue (danh mục thủ tục hành chính)."""
