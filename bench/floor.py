"""The framework's floor: a bare Flask app, no database, no session, that answers a page of a given size.

    gunicorn bench.floor:app

`/page/<size>` renders a Jinja template (a layout and a list of rows of text) of about `size` bytes;
`/json/<size>` answers a JSON list of about `size` bytes. Whatever the real app spends beyond what
this spends on a page of the same size is the app's own cost.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify

ROW = "Activity in the borough plan: school talks on knife crime, week of the 4th"
ROW_BYTES = len(f"<li>{ROW} 0000</li>\n")
LAYOUT = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<header><a href="/">Commsplan</a></header>
<main>
<h1>{{ title }}</h1>
<ul>
{% for row in rows %}<li>{{ row }}</li>
{% endfor %}</ul>
</main>
</body>
</html>
"""

app = Flask(__name__)
TEMPLATE = app.jinja_env.from_string(LAYOUT)  # compiled once, as the real app's templates are


def rows_for(size: int) -> list[str]:
    return [f"{ROW} {n:04d}" for n in range(max(size // ROW_BYTES, 1))]


@app.get("/page/<int:size>")
def page(size: int) -> str:
    return TEMPLATE.render(title="Floor", rows=rows_for(size))


@app.get("/json/<int:size>")
def json_list(size: int) -> Response:
    return jsonify({"items": [{"id": n, "title": row} for n, row in enumerate(rows_for(size))]})
