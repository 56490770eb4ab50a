"""Write a dataset card whose `all` config serves the validation split as its test split.

    python val_readme.py BUILD/README.md VIEW/README.md

Used by common.sh's val_data: lm-eval's logic_suite tasks score the test split of
LOGIC_SUITE_DATA, so a view of the build (this card beside a link to the build's data/) lets the
same tasks score the validation split. The split sizes recorded in the card are dropped.
"""

import sys

import yaml

src, dst = sys.argv[1], sys.argv[2]
_, front, body = open(src).read().split("---\n", 2)
meta = yaml.safe_load(front)
meta.pop("dataset_info", None)
for cfg in meta["configs"]:
    if cfg["config_name"] == "all":
        for files in cfg["data_files"]:
            if files["split"] == "test":
                files["path"] = "data/*/validation-*.parquet"
open(dst, "w").write("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n" + body)
