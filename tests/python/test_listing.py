"""The listing helpers say what `xpusim list` says (the same declarations)."""
import os
import re
import unittest

from support import ROOT, cli, require_module


def cli_catalog(family):
    """{name: [parameter names]} from `xpusim list FAMILY` (entries `  NAME -- help` at 2
    spaces, parameters `      KEY: ...` at 6, their help at 10)."""
    out, current = {}, None
    for line in cli("list", family).stdout.splitlines():
        m = re.match(r"^  (\S+) -- ", line)
        if m:
            current = m.group(1)
            out[current] = []
            continue
        p = re.match(r"^      (\w+): ", line)
        if current and p:
            out[current].append(p.group(1))
    return out


class Listing(unittest.TestCase):
    def setUp(self):
        self.xpusim = require_module()
        os.chdir(ROOT)

    def test_policies_and_their_parameters_match_the_list_command(self):
        for family in ("batching", "router", "eviction", "fairness"):
            with self.subTest(family=family):
                expected = cli_catalog(family)
                self.assertEqual(self.xpusim.list_policies(family), sorted(expected))
                for name, params in expected.items():
                    described = self.xpusim.describe(family, name)
                    self.assertEqual([p["name"] for p in described["params"]], params)

    def test_every_family_is_listed_with_its_key(self):
        policies = self.xpusim.list_policies()
        self.assertIn("vllm", policies["batching"])
        self.assertIn("sarathi", policies["batching"])
        self.assertEqual(self.xpusim.describe("batching", "sarathi")["key"], "batching.policy")
        with self.assertRaises(KeyError):
            self.xpusim.list_policies("no_such_family")
        with self.assertRaises(KeyError):
            self.xpusim.describe("batching", "vLLM")

    def test_presets_are_the_shipped_files(self):
        files = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, "configs", "hardware"))
                       if f.endswith(".yaml"))
        self.assertEqual(self.xpusim.list_presets("hardware"), files)
        self.assertIn("llama-3-8b", self.xpusim.list_presets()["model"])

    def test_system_kinds(self):
        self.assertEqual(set(self.xpusim.list_system_kinds()),
                         {"serving", "soc", "moe", "moe_offload", "ina"})

    def test_version_is_the_project_version(self):
        with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
            m = re.search(r"project\(xpusim VERSION (\S+)", f.read())
        self.assertEqual(self.xpusim.__version__, m.group(1))


if __name__ == "__main__":
    unittest.main()
