"""xpusim.run gives what `xpusim run` gives on the same scenario and seed."""
import json
import os
import tempfile
import unittest

from support import ROOT, cli, read, require_module

QUICK = {"workload.num_requests": 60}


class RunMatchesCommandLine(unittest.TestCase):
    def setUp(self):
        self.xpusim = require_module()
        os.chdir(ROOT)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def both_ways(self, scenario, overrides, seed):
        """Runs the scenario through the binary and the module; returns their output folders
        and the module's Result."""
        cli_dir = os.path.join(self.tmp.name, "cli")
        py_dir = os.path.join(self.tmp.name, "py")
        args = ["run", scenario, "-q", "-o", cli_dir]
        for k, v in overrides.items():
            args += ["--set", f"{k}={v}"]
        cli(*args, "--set", f"seed={seed}")
        result = self.xpusim.run(scenario, set=overrides, seed=seed, out=py_dir)
        return cli_dir, py_dir, result

    def test_serving_summary_and_tables_match_the_binary(self):
        cli_dir, py_dir, r = self.both_ways("configs/quickstart.yaml", QUICK, 7)
        self.assertEqual(r.summary, json.loads(read(os.path.join(cli_dir, "summary.json"))))
        for name in ("summary.json", "requests.csv", "devices.csv", "tenant_service.csv"):
            self.assertEqual(read(os.path.join(py_dir, name), "rb"),
                             read(os.path.join(cli_dir, name), "rb"), name)
        self.assertEqual(r.seed, 7)
        self.assertEqual(r.summary["seed"], 7)

    def test_out_folder_has_the_provenance_the_binary_writes(self):
        cli_dir, py_dir, _ = self.both_ways("configs/quickstart.yaml", QUICK, 7)
        self.assertEqual(sorted(os.listdir(py_dir)), sorted(os.listdir(cli_dir)))
        # The resolved scenario is the same file, and it re-runs to the same summary.
        self.assertEqual(read(os.path.join(py_dir, "scenario.yaml")),
                         read(os.path.join(cli_dir, "scenario.yaml")))
        again = os.path.join(self.tmp.name, "again")
        cli("run", os.path.join(py_dir, "scenario.yaml"), "-q", "-o", again)
        self.assertEqual(read(os.path.join(again, "summary.json"), "rb"),
                         read(os.path.join(py_dir, "summary.json"), "rb"))
        py_run = json.loads(read(os.path.join(py_dir, "run.json")))
        cli_run = json.loads(read(os.path.join(cli_dir, "run.json")))
        for key in ("version", "commit", "seed", "scenario", "host"):
            self.assertEqual(py_run[key], cli_run[key], key)
        self.assertIn("xpusim.run('configs/quickstart.yaml'", py_run["python_call"])
        self.assertIn("seed=7", py_run["python_call"])
        self.assertNotIn("python_call", cli_run)

    def test_other_kinds_match_the_binary(self):
        for scenario, table in (("configs/ina_jct.yaml", "jobs"),
                                ("configs/moe_mixtral_training.yaml", "steps")):
            with self.subTest(scenario=scenario):
                self.tmp.cleanup()
                os.makedirs(self.tmp.name, exist_ok=True)
                cli_dir, _, r = self.both_ways(scenario, {}, 3)
                self.assertEqual(r.summary, json.loads(read(os.path.join(cli_dir, "summary.json"))))
                self.assertIn(table, r.tables)

    def test_seed_argument_is_the_seed_key(self):
        a = self.xpusim.run("configs/quickstart.yaml", set=QUICK, seed=11)
        b = self.xpusim.run("configs/quickstart.yaml", set={**QUICK, "seed": 11})
        c = self.xpusim.run("configs/quickstart.yaml", set=QUICK, seed=12)
        self.assertEqual(a.summary, b.summary)
        self.assertNotEqual(a.summary, c.summary)  # the seed reaches the arrivals
        self.assertIsNone(a.out_dir)

    def test_list_of_assignments_equals_dict(self):
        a = self.xpusim.run("configs/quickstart.yaml", set={**QUICK, "batching.max_num_seqs": 8})
        b = self.xpusim.run("configs/quickstart.yaml",
                            set=["workload.num_requests=60", "batching.max_num_seqs=8"])
        self.assertEqual(a.summary, b.summary)
        self.assertEqual(a.summary["scenario"]["batching"]["max_num_seqs"], 8)

    def test_dict_scenario_equals_its_file(self):
        try:
            import yaml
        except ImportError:
            self.skipTest("skipped: PyYAML not installed (Debian: python3-yaml)")
        with open("configs/quickstart.yaml") as f:
            scenario = yaml.safe_load(f)
        scenario["workload"]["num_requests"] = 60
        from_dict = self.xpusim.run(scenario)
        from_file = self.xpusim.run("configs/quickstart.yaml", set=QUICK)
        self.assertEqual(from_dict.summary, from_file.summary)


class Tables(unittest.TestCase):
    def setUp(self):
        self.xpusim = require_module()
        os.chdir(ROOT)

    def test_records_without_pandas(self):
        r = self.xpusim.run("configs/quickstart.yaml", set=QUICK, as_frames=False)
        self.assertIsInstance(r.requests, list)
        self.assertEqual(len(r.requests), 60)  # one row per request of the workload
        first = r.requests[0]
        self.assertIsInstance(first, dict)
        numeric = [v for v in first.values() if isinstance(v, (int, float))]
        self.assertTrue(numeric, first)
        self.assertEqual(len(r.devices), 2)  # cluster.instances: 2, one GPU each

    def test_frames_hold_the_same_rows_as_records(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            self.skipTest("skipped: pandas not installed (Debian: python3-pandas)")
        records = self.xpusim.run("configs/quickstart.yaml", set=QUICK, as_frames=False)
        frames = self.xpusim.run("configs/quickstart.yaml", set=QUICK)
        self.assertEqual(list(frames.requests.columns), list(records.requests[0].keys()))
        self.assertEqual(len(frames.requests), len(records.requests))
        for column in frames.requests.columns:
            values = [row[column] for row in records.requests]
            if all(isinstance(v, (int, float)) for v in values):
                self.assertEqual(frames.requests[column].tolist(), values, column)

    def test_metric_reads_a_dotted_path(self):
        r = self.xpusim.run("configs/quickstart.yaml", set=QUICK)
        self.assertEqual(r.metric("scenario.workload.num_requests"), 60)
        with self.assertRaises(KeyError):
            r.metric("no.such.metric")


if __name__ == "__main__":
    unittest.main()
