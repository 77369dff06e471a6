"""Errors raised into Python carry the messages `xpusim run` prints (file, line, key)."""
import os
import tempfile
import unittest

from support import ROOT, cli, require_module

BAD = """name: bad
hardware: {preset: h100-sxm}
model: {preset: llama-3-8b}
batching:
  policy: vllm
  max_num_seqz: 4
workload:
  source: synthetic
  rate_per_s: -3
"""


class Errors(unittest.TestCase):
    def setUp(self):
        self.xpusim = require_module()
        os.chdir(ROOT)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def cli_errors(self, *args):
        p = cli("run", *args, "-q", "-o", os.path.join(self.tmp.name, "cli"), check=False)
        self.assertNotEqual(p.returncode, 0)
        return p.stderr.splitlines()

    def test_invalid_scenario_lists_every_problem_as_the_binary_does(self):
        path = os.path.join(self.tmp.name, "bad.yaml")
        with open(path, "w") as f:
            f.write(BAD)
        with self.assertRaises(self.xpusim.ScenarioError) as caught:
            self.xpusim.run(path)
        e = caught.exception
        self.assertEqual(["error: " + m for m in e.messages], self.cli_errors(path))
        # Both problems, each at its own line and column of the file, naming its key.
        self.assertEqual(len(e.messages), 2)
        self.assertTrue(e.messages[0].startswith(f"{path}:6:3: key 'batching.max_num_seqz'"), e.messages[0])
        self.assertTrue(e.messages[1].startswith(f"{path}:9:15: key 'workload.rate_per_s'"), e.messages[1])
        self.assertEqual(str(e), "\n".join(e.messages))
        self.assertIsInstance(e, ValueError)
        self.assertIsInstance(e, self.xpusim.Error)

    def test_bad_override_names_the_override(self):
        with self.assertRaises(self.xpusim.ScenarioError) as caught:
            self.xpusim.run("configs/quickstart.yaml", set={"workload.rate_per_s": -1})
        self.assertEqual(["error: " + m for m in caught.exception.messages],
                         self.cli_errors("configs/quickstart.yaml", "--set", "workload.rate_per_s=-1"))
        self.assertIn("--set workload.rate_per_s=-1", str(caught.exception))

    def test_missing_file_is_an_error_naming_it(self):
        missing = os.path.join(self.tmp.name, "missing.yaml")
        with self.assertRaises(self.xpusim.Error) as caught:
            self.xpusim.run(missing)
        self.assertEqual(["error: " + m for m in caught.exception.messages], self.cli_errors(missing))
        self.assertIn(missing, str(caught.exception))

    def test_dict_scenario_errors_name_the_key(self):
        with self.assertRaises(self.xpusim.ScenarioError) as caught:
            self.xpusim.run({"hardware": {"preset": "h100-sxm"}, "model": {"preset": "llama-3-8b"},
                             "batching": {"policy": "no_such_policy"}})
        text = str(caught.exception)
        self.assertIn("<dict>", text)
        self.assertIn("'batching.policy'", text)
        self.assertIn("vllm", text)  # the valid names are listed

    def test_limit_raises_run_stopped_and_writes_nothing(self):
        out = os.path.join(self.tmp.name, "stopped")
        with self.assertRaises(self.xpusim.RunStopped) as caught:
            self.xpusim.run("configs/quickstart.yaml", set={"workload.num_requests": 60},
                            max_events=10, out=out)
        self.assertIn("configs/quickstart.yaml: run stopped", str(caught.exception))
        self.assertFalse(os.path.exists(os.path.join(out, "summary.json")))

    def test_wrong_argument_types_are_type_errors(self):
        with self.assertRaises(TypeError):
            self.xpusim.run(42)
        with self.assertRaises(TypeError):
            self.xpusim.run("configs/quickstart.yaml", set=["no equals sign"])
        with self.assertRaises(TypeError):
            self.xpusim.run("configs/quickstart.yaml", seed="7")
        with self.assertRaises(ValueError):
            self.xpusim.run("configs/quickstart.yaml", requests_csv="some")
        with self.assertRaises(ValueError):
            self.xpusim.run("configs/quickstart.yaml", timeline=True)  # needs out=


if __name__ == "__main__":
    unittest.main()
