"""Talking to running servers through redis-py: the connection (``connection``), which server answers
(``identify``), an audit of one server or a whole Sentinel / Cluster deployment (``audit``), and the safe switch
to AOF (``migrate_aof``)."""
