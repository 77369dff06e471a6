"""xpusim.sweep runs the points `xpusim sweep` runs and joins the same results.csv."""
import json
import os
import tempfile
import unittest

from support import ROOT, cli, read, require_module

SWEEP = """base: {base}
axes:
  batching.max_num_seqs: [4, 64]
seeds: [1, 2]
set: {{workload.num_requests: 40}}
"""


class Sweep(unittest.TestCase):
    def setUp(self):
        self.xpusim = require_module()
        os.chdir(ROOT)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.file = os.path.join(self.tmp.name, "sweep.yaml")
        with open(self.file, "w") as f:
            f.write(SWEEP.format(base=os.path.join(ROOT, "configs", "quickstart.yaml")))

    def test_results_match_the_binary(self):
        cli_dir = os.path.join(self.tmp.name, "cli")
        py_dir = os.path.join(self.tmp.name, "py")
        cli("-q", "sweep", self.file, "-j", "1", "-o", cli_dir)
        s = self.xpusim.sweep(self.file, out=py_dir, as_frames=False)
        self.assertEqual(len(s), 4)  # 2 values x 2 seeds
        self.assertTrue(s.ok)
        self.assertEqual(s.results_csv, read(os.path.join(cli_dir, "results.csv")))
        self.assertEqual(read(os.path.join(py_dir, "results.csv")), s.results_csv)
        for p in s:
            cli_summary = json.loads(read(os.path.join(cli_dir, "points", p.id, "summary.json")))
            self.assertEqual(p.summary, cli_summary, p.id)
        self.assertEqual(len(s.table), 4)
        self.assertEqual([row["point"] for row in s.table], [p.id for p in s])

    def test_each_point_is_a_run_with_its_overrides(self):
        s = self.xpusim.sweep(self.file)
        for p in s:
            self.assertEqual(p.params["batching.max_num_seqs"], str(p.summary["scenario"]["batching"]["max_num_seqs"]))
            alone = self.xpusim.run("configs/quickstart.yaml", set=p.overrides)
            self.assertEqual(p.summary, alone.summary)
        self.assertEqual(sorted({p.seed for p in s}), [1, 2])
        self.assertNotEqual(s[0].summary, s[1].summary)  # the seed changes the arrivals

    def test_failed_point_is_recorded_and_the_sweep_goes_on(self):
        bad = {"base": os.path.join(ROOT, "configs", "quickstart.yaml"),
               "axes": {"batching.max_num_seqs": [4, 0]},
               "set": {"workload.num_requests": 20}}
        s = self.xpusim.sweep(bad, as_frames=False)
        self.assertEqual([p.ok for p in s], [True, False])
        self.assertIn("batching.max_num_seqs", s[1].error)
        self.assertIsNone(s[1].result)
        self.assertEqual([row["status"] for row in s.table], ["ok", "failed"])

    def test_plan_lists_the_points_without_running(self):
        points = self.xpusim.plan(self.file)
        self.assertEqual(len(points), 4)
        dry = cli("sweep", self.file, "--dry-run").stdout.splitlines()
        self.assertEqual([line.split("\t")[1] for line in dry], [p["id"] for p in points])

    def test_invalid_sweep_raises_with_its_location(self):
        bad = os.path.join(self.tmp.name, "bad_sweep.yaml")
        with open(bad, "w") as f:
            f.write("base: ../nowhere.yaml\naxes: {batching.max_num_seqs: [4]}\n")
        with self.assertRaises(self.xpusim.Error) as caught:
            self.xpusim.sweep(bad)
        self.assertIn(bad, str(caught.exception))


if __name__ == "__main__":
    unittest.main()
