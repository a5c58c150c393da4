import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MultiLabelMetrics, aucOfRounded } from './metrics.ts';
import { FRA96_GROUPS, parseMetricGroups, parseMetricWeights } from './class_groups.ts';

describe('MultiLabelMetrics', () => {
  // 4 clips × 3 classes. Rounded predictions vs labels, by hand:
  const probs = [0.9, 0.2, 0.6, /**/ 0.4, 0.7, 0.1, /**/ 0.8, 0.8, 0.3, /**/ 0.5, 0.1, 0.95];
  const labels = [1, 0, 0, /**/ 1, 1, 0, /**/ 1, 0, 0, /**/ 1, 0, 1];
  // class 0: preds 1,0,1,0 (0.5 rounds to 0) labels 1,1,1,1 → tp 2, fn 2
  // class 1: preds 0,1,1,0 labels 0,1,0,0 → tp 1, fp 1, tn 2
  // class 2: preds 1,0,0,1 labels 0,0,0,1 → tp 1, fp 1, tn 2
  it('precision, recall, F1 over all (clip, class) pairs equal a hand count', () => {
    const m = new MultiLabelMetrics(3);
    m.update(probs.slice(0, 6), labels.slice(0, 6));
    m.update(probs.slice(6), labels.slice(6)); // streamed in two batches
    assert.deepEqual(m.confusion(), { tp: 4, fp: 2, fn: 2, tn: 4 });
    const r = m.result();
    assert.equal(r.precision, 4 / 6);
    assert.equal(r.recall, 4 / 6);
    assert.ok(Math.abs(r.f1 - 4 / 6) < 1e-12);
    // ROC through (0,0), (fpr 2/6, tpr 4/6), (1,1), trapezoids: 1/3·(2/3)/2 + 2/3·(2/3+1)/2 = 0.6667
    assert.ok(Math.abs(r.auc - ((1 / 3) * (2 / 3)) / 2 - ((2 / 3) * (5 / 3)) / 2) < 1e-6, `auc ${r.auc}`);
  });

  it('groups weight only their classes', () => {
    const m = new MultiLabelMetrics(3, [{ name: 'g', classes: [1, 2] }]);
    m.update(probs, labels);
    const r = m.result();
    assert.equal(r.g_precision, 2 / 4);
    assert.equal(r.g_recall, 2 / 2);
    assert.ok(Math.abs(r.g_f1 - 2 / 3) < 1e-12);
  });

  it('AUC of perfect and of all-wrong rounded predictions', () => {
    assert.ok(Math.abs(aucOfRounded({ tp: 5, fp: 0, fn: 0, tn: 5 }) - 1) < 1e-6);
    assert.ok(aucOfRounded({ tp: 0, fp: 5, fn: 5, tn: 0 }) < 1e-6);
  });

  it("a scope restricts the plain metrics to its classes (the original's weight masks)", () => {
    const g = { name: 'g', classes: [1, 2] };
    const scoped = new MultiLabelMetrics(3, [], g);
    const grouped = new MultiLabelMetrics(3, [g]);
    scoped.update(probs, labels);
    grouped.update(probs, labels);
    const r = grouped.result();
    assert.deepEqual(scoped.result(), { auc: r.g_auc, precision: r.g_precision, recall: r.g_recall, f1: r.g_f1 });
    assert.equal(scoped.result().precision, 2 / 4);
    assert.throws(() => new MultiLabelMetrics(2, [], g), /group g: class 2 is outside 0..1/);
  });

  it('parses metric groups and rejects bad groups by name', () => {
    assert.deepEqual(parseMetricGroups('a:0-2,5;b:3'), [
      { name: 'a', classes: [0, 1, 2, 5] },
      { name: 'b', classes: [3] },
    ]);
    assert.deepEqual(parseMetricWeights('a:0-2,5;b:3', 3).groups, parseMetricGroups('a:0-2,5;b:3'));
    assert.equal(parseMetricWeights('fra96', 96).groups, FRA96_GROUPS);
    assert.deepEqual(parseMetricWeights(undefined, 3), { groups: [] });
    assert.deepEqual(FRA96_GROUPS.find((g) => g.name === 'ped_in_crossing')!.classes.length, 4 + 18);
    assert.throws(() => parseMetricGroups('a:5-2'), /^Error: `metricGroups`: bad class range "5-2" in group a$/);
    assert.throws(() => parseMetricGroups('a'), /^Error: `metricGroups`: cannot read group "a"/);
    assert.throws(() => new MultiLabelMetrics(3, [{ name: 'x', classes: [3] }]), /group x: class 3 is outside 0..2/);
  });

  it("the original's group names pick their table by class count; others are refused with the valid names", () => {
    // metric_weights_96.py: gate_weights[:, 1:6] = 1; metric_weights_204.py: ped_weights[:, 132:204] = 1.
    assert.deepEqual(parseMetricWeights('gate', 96), { scope: { name: 'gate', classes: [1, 2, 3, 4, 5] }, groups: [] });
    assert.equal(parseMetricWeights('ped', 96).scope!.classes[0], 66);
    assert.equal(parseMetricWeights('ped', 204).scope!.classes[0], 132);
    assert.equal(parseMetricWeights('cyc', 204).scope!.classes.length, 132 - 66);
    assert.throws(
      () => parseMetricWeights('cyc', 96),
      /`metricGroups` cyc: not a group of metric_weights_96, the table for 96 classes\. Valid: gate, trn/,
    );
    assert.throws(
      () => parseMetricWeights('gate', 3),
      /gate: the original's groups are sized for 96 or 204 classes, and `numClasses` is 3/,
    );
    assert.throws(
      () => parseMetricWeights('bogus', 96),
      /bogus: no such group\. Valid: gate, trn, veh, ped, ped_in_crossing, ped_not_in_crossing \(metric_weights_96, 96 classes\); gate, trn, veh, cyc, ped \(metric_weights_204, 204 classes\); fra96; or your own groups as name:1-5;other:6-29$/,
    );
  });
});
