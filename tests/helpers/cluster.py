"""City scale in tests: the local cluster of the demo (bot/demo/cluster.py), re-exported.

See bot/demo/cluster.py for how `Cluster` seeds the database, serves every school's bot from one
fake Telegram and starts real `ouderbrug run` processes (never leaving one behind).
"""

from bot.demo.cluster import FIRST_PARENT, NOW, Cluster
from bot.demo.cluster_process import SENDS, BotProcess, free_port, token

__all__ = ["FIRST_PARENT", "NOW", "SENDS", "BotProcess", "Cluster", "free_port", "token"]
