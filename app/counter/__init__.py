"""The one-stop counter (Bộ phận Tiếp nhận và Trả kết quả): receiving dossiers in person
or by post, issuing the receipt and appointment slip."""
