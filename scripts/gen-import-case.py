#!/usr/bin/env python3
"""Generates one large, real-shaped dataflow as the JSON request bodies `flowc import` reads.

Usage: python3 scripts/gen-import-case.py N OUTDIR      # e.g. 500 fixtures/import/large-500

Writes into OUTDIR (created if needed):
- source-connection.json   a table-based sourceConnection body (SPEC §2.1) with N columns in
                           `params.columns`, of varied source types (varchar, bigint, decimal,
                           timestamp, bit, ...), each with its `xdm` fragment and `meta:xdmType`;
- target-schema.xed.json   the target schema in registry form (xed-full: resolved, registry
                           names, `meta:xdmType` on every field) with an `$id` and a `_acme`
                           tenant object of N fields;
- target-connection.json   a data lake targetConnection naming that schema's `$id` and version;
- mapping-set.json         a mapping set in the current dialect with N entries, one per
                           `_acme` field: ATTRIBUTE from a column of the field's type,
                           EXPRESSION (`lower(trim(c))`, `concat(a, "-", b)`, `to_integer(c)`,
                           ...) and STATIC, only where the types fit, so that the dataflow
                           checks clean against the schema;
- flow.json                a CRMToAEP flow (Copy with a delta column, Mapping, scheduleParams,
                           options) naming the other objects by the placeholders `flowc build`
                           writes, as `fixtures/compile/payments/flow.json` does.

Deterministic: the same N gives the same bytes (a seeded random generator, no clock). The
bodies are laid out as `flowc build` writes them (keys in the documented order, two-space
JSON), so building the imported file gives them back byte for byte. Standard library only.
"""
import json
import pathlib
import random
import sys

SEED = 20260106
CRM_TO_AEP = "14518937-270c-4525-bdec-c2ba7cce3860"
PAYPAL = "221c7626-58f6-4eec-8ee2-042b0226f03b"
DATA_LAKE = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
CONTENT_TYPE = "application/vnd.adobe.xed-full+json;version=1"
TENANT = "_acme"

# XDM type -> the source types a table reports for it (for `type`), and the column's `xdm`
# fragment and `meta:xdmType` (as `flowc build` writes them for these source types).
SOURCE_TYPES = {
    "string": ["string", "varchar", "nvarchar", "text"],
    "number": ["decimal", "double", "float", "numeric"],
    "long": ["bigint", "long"],
    "int": ["int", "integer"],
    "short": ["smallint", "short"],
    "byte": ["tinyint", "byte"],
    "boolean": ["boolean", "bit", "bool"],
    "date": ["date"],
    "date-time": ["timestamp", "datetime"],
}
FRAGMENT = {
    "string": ({"type": "string"}, None),
    "number": ({"type": "number"}, None),
    "long": ({"type": "integer"}, "long"),
    "int": ({"type": "integer"}, "int"),
    "short": ({"type": "integer"}, "short"),
    "byte": ({"type": "integer"}, "byte"),
    "boolean": ({"type": "boolean"}, None),
    "date": ({"type": "string", "format": "date"}, "date"),
    "date-time": ({"type": "string", "format": "date-time"}, "date-time"),
}
# The schema's field for each XDM type, in registry form.
FIELD = {
    "string": {"type": "string", "meta:xdmType": "string"},
    "number": {"type": "number", "meta:xdmType": "number"},
    "long": {"type": "integer", "meta:xdmType": "long", "minimum": -9007199254740991, "maximum": 9007199254740991},
    "int": {"type": "integer", "meta:xdmType": "int", "minimum": -2147483648, "maximum": 2147483647},
    "short": {"type": "integer", "meta:xdmType": "short", "minimum": -32768, "maximum": 32767},
    "byte": {"type": "integer", "meta:xdmType": "byte", "minimum": -128, "maximum": 127},
    "boolean": {"type": "boolean", "meta:xdmType": "boolean"},
    "date": {"type": "string", "format": "date", "meta:xdmType": "date"},
    "date-time": {"type": "string", "format": "date-time", "meta:xdmType": "date-time"},
}
# How often each XDM type appears (a CRM table: mostly text, then amounts, counts, dates).
WEIGHTS = {"string": 40, "number": 12, "long": 8, "int": 8, "short": 3, "byte": 2, "boolean": 7, "date": 6, "date-time": 14}
WORDS = {
    "string": ["Name", "Email", "City", "Status", "Code", "Channel", "Region", "Segment", "Notes", "Currency", "Phone", "Title"],
    "number": ["Amount", "Price", "Total", "Discount", "Tax", "Weight", "Balance"],
    "long": ["Views", "Bytes", "External_Ref", "Visits"],
    "int": ["Quantity", "Rank", "Score", "Age"],
    "short": ["Fiscal_Year", "Level"],
    "byte": ["Priority", "Rating"],
    "boolean": ["Is_Active", "Has_Consent", "Opt_In", "Is_Deleted"],
    "date": ["Birth_Date", "Start_Date", "Renewal_Date"],
    "date-time": ["Created_At", "Updated_At", "Last_Login", "Closed_At"],
}
ENTITIES = ["Customer", "Order", "Account", "Invoice", "Lead", "Contact", "Product", "Campaign", "Ticket"]
CONSTANTS = ["PayPal", "CRM", "EUR", "imported", "web", "Acme Corp.", "n/a", "tier-1"]


def uuid(rng):
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


def camel(words):
    parts = [w for w in words.replace(" ", "_").split("_") if w]
    return parts[0].lower() + "".join(p[:1].upper() + p[1:].lower() for p in parts[1:])


def ref(column):
    """A source path naming the column: `${...}` when the name is not an identifier."""
    return column if column.replace("_", "a").isalnum() and not column[0].isdigit() else "${" + column + "}"


def column_body(name, source_type, xdm):
    fragment, meta = FRAGMENT[xdm]
    body = {"name": name, "type": source_type}
    if meta:
        body["meta:xdmType"] = meta
    body["xdm"] = dict(fragment)
    return body


def generate(n, rng):
    """The columns, the `_acme` fields `(name, xdm type, title)` and the mapping entries."""
    kinds = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in kinds]
    # The first column is the delta column: the flow's Copy transformation names it.
    plan = ["date-time"] + rng.choices(kinds, weights, k=n - 1)
    columns, fields, mappings = [], [], []
    strings = []  # the string columns so far, for concat
    for i, xdm in enumerate(plan):
        entity = rng.choice(ENTITIES)
        word = "Updated_At" if i == 0 else rng.choice(WORDS[xdm])
        # Now and then a column name that is not an identifier: the mapping writes `${...}`.
        column = f"{entity}_{word}_{i:03d}"
        if i % 37 == 36:
            column = column.replace("_", " ")
        title = f"{entity} {word.replace('_', ' ').lower()}"
        roll = rng.random()
        column_xdm = xdm
        if xdm == "string" and roll < 0.15:
            entry = ("STATIC", rng.choice(CONSTANTS))
        elif xdm == "string" and roll < 0.3 and strings:
            entry = ("EXPRESSION", f'concat({ref(column)}, "-", {ref(rng.choice(strings))})')
        elif xdm == "string" and roll < 0.45:
            entry = ("EXPRESSION", rng.choice(["lower(trim({}))", "upper({})", "lower({})", "trim({})"]).format(ref(column)))
        elif xdm in ("long", "int") and roll < 0.3:
            # Digits held as text, converted explicitly.
            column_xdm = "string"
            entry = ("EXPRESSION", f"to_integer({ref(column)})")
        elif xdm == "date-time" and i > 0 and roll < 0.25:
            # A date held as text, parsed with its pattern.
            column_xdm = "string"
            entry = ("EXPRESSION", f'date({ref(column)}, "yyyy-MM-dd HH:mm:ss")')
        else:
            entry = ("ATTRIBUTE", ref(column))
        columns.append(column_body(column, rng.choice(SOURCE_TYPES[column_xdm]), column_xdm))
        if column_xdm == "string":
            strings.append(column)
        fields.append((camel(f"{entity}_{word}") + f"{i:03d}", xdm, title))
        mapping = {"sourceType": entry[0], "source": entry[1], "destination": f"{TENANT}.{fields[-1][0]}"}
        if i % 25 == 0:
            mapping["name"] = title[:1].upper() + title[1:]
        if i % 40 == 7:
            mapping["description"] = f"{column} of the {entity.lower()} table"
        mappings.append(mapping)
    return columns, fields, mappings


def dump(path, value):
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        sys.exit(__doc__.split("\n\n")[1])
    n, out = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED + n)
    schema_hash = f"{rng.getrandbits(192):048x}"
    schema_id = f"https://ns.adobe.com/acme/schemas/{schema_hash}"
    base_connection, dataset = uuid(rng), f"{rng.getrandbits(96):024x}"
    columns, fields, mappings = generate(n, rng)
    delta = columns[0]["name"]
    flow_name = f"Acme CRM wide table ({n} columns)"

    dump(out / "source-connection.json", {
        "name": "Acme CRM source connection",
        "description": f"The Acme CRM export table, {n} columns",
        "baseConnectionId": base_connection,
        "data": {"format": "tabular"},
        "params": {"tableName": "AcmeCRM.Wide_Export", "columns": columns},
        "connectionSpec": {"id": PAYPAL, "version": "1.0"},
    })
    dump(out / "target-schema.xed.json", {
        "$id": schema_id,
        "meta:altId": f"_acme.schemas.{schema_hash}",
        "meta:resourceType": "schemas",
        "version": "1.0",
        "title": f"Acme CRM records ({n} fields)",
        "type": "object",
        "description": f"Generated by scripts/gen-import-case.py {n}: a record class with {n} tenant fields under _acme.",
        "meta:class": "https://ns.adobe.com/xdm/classes/record",
        "meta:extends": ["https://ns.adobe.com/xdm/classes/record", f"https://ns.adobe.com/acme/mixins/{schema_hash[:32]}"],
        "meta:tenantNamespace": TENANT,
        "meta:xdmType": "object",
        "properties": {
            "_id": {
                "title": "Identifier",
                "description": "A unique identifier for the record.",
                "format": "uri-reference",
                "type": "string",
                "meta:xdmType": "string",
            },
            TENANT: {
                "type": "object",
                "meta:xdmType": "object",
                "properties": {name: {"title": title[:1].upper() + title[1:], **FIELD[xdm]} for name, xdm, title in fields},
            },
        },
    })
    dump(out / "target-connection.json", {
        "name": "Acme CRM target connection",
        "description": "The Acme CRM records dataset",
        "data": {"format": "parquet_xdm", "schema": {"id": schema_id, "version": CONTENT_TYPE}},
        "params": {"dataSetId": dataset},
        "connectionSpec": {"id": DATA_LAKE, "version": "1.0"},
    })
    dump(out / "mapping-set.json", {
        "outputSchema": {"schemaRef": {"id": schema_id, "contentType": CONTENT_TYPE}},
        "mappings": mappings,
    })
    dump(out / "flow.json", {
        "name": flow_name,
        "description": "Inbound CRM records to Platform",
        "flowSpec": {"id": CRM_TO_AEP, "version": "1.0"},
        "sourceConnectionIds": ["{{sourceConnection.id}}"],
        "targetConnectionIds": ["{{targetConnection.id}}"],
        "transformations": [
            {"name": "Copy", "params": {"deltaColumn": {"name": delta, "dateFormat": "yyyy-MM-dd HH:mm:ss", "timezone": "UTC"}}},
            {"name": "Mapping", "params": {"mappingId": "{{mappingSet.id}}", "mappingVersion": "{{mappingSet.version}}"}},
        ],
        "scheduleParams": {"startTime": 1767225600, "frequency": "hour", "interval": 1},
        "options": {"errorDiagnosticsEnabled": True, "partialIngestionPercent": 5},
    })
    kinds = {}
    for m in mappings:
        kinds[m["sourceType"]] = kinds.get(m["sourceType"], 0) + 1
    print(f"wrote {out}: {n} columns, {n} fields, {len(mappings)} mappings {kinds}")


if __name__ == "__main__":
    main()
