"""`ouderbrug demo --city`: real processes share four schools on a SQLite file; A is killed
mid-broadcast, B takes over, C joins, and every parent gets the announcement."""

from __future__ import annotations

import io
import re

from bot.demo.city import run_city


async def test_the_city_demo_loses_no_parent_when_a_process_is_killed() -> None:
    out = io.StringIO()
    assert await run_city(out, parents=150) == 0
    text = out.getvalue()
    assert re.search(r"A is killed \(SIGKILL\) after its schools sent (\d+) of 300 copies", text)
    sent = int(re.search(r"sent (\d+) of 300", text).group(1))  # type: ignore[union-attr]
    assert sent < 300  # killed while its schools were still sending
    assert re.search(r"B took A's schools over \d+\.\d s later", text)
    assert "C joined: B gave two schools back, C took them." in text
    rows = re.findall(r"^\| (s\d) \| (\d+) of 150 \| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)
    assert [row[0] for row in rows] == ["s1", "s2", "s3", "s4"]
    for _key, reached, duplicates, most, too_many in rows:
        assert int(reached) == 150
        assert int(duplicates) <= 5  # at most the copies on their way when A died
        assert int(most) <= 30 and int(too_many) == 0  # no bot above Telegram's 30/s
