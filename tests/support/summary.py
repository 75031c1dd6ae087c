"""The suite's closing lines: totals that tests record on their reports (`record_property`),
summed here so that they add up across pytest-xdist's workers too."""

TOTALS = {
    "isolation sweep": ("isolation_requests", "isolation_failures", "{} requests, {} failures"),
}


def _summed(reports, name: str) -> int:
    return sum(
        value
        for report in reports
        if report.when == "call"
        for key, value in report.user_properties
        if key == name
    )


def lines(stats: dict) -> list[str]:
    reports = [r for key in ("passed", "failed") for r in stats.get(key, [])]
    out = []
    # The role grid's coverage: recorded by tests/test_role_grid.py as "covered of all".
    coverage = [v for r in reports for k, v in r.user_properties if k == "role_grid_coverage"]
    if coverage:
        out.append(f"role grid: {coverage[-1]} agency views covered")
    for label, (tried, failed, text) in TOTALS.items():
        if any(k == tried for r in reports for k, _ in r.user_properties):
            counts = _summed(reports, tried), _summed(reports, failed)
            out.append(f"{label}: " + text.format(*counts))
    return out


def write(terminalreporter) -> None:
    for line in lines(terminalreporter.stats):
        terminalreporter.write_line(line)
