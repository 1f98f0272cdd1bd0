import { DASHBOARD_UID, DATASOURCE_UID, TARGET_LABEL } from '@menagerie/contract';
import { expect } from 'chai';
import { dashboardFiles } from '../src/index.ts';
import { CLUSTER_ONLY_METRIC_NAMES, listPanelQueries, listVariableQueries } from '../src/inspect/index.ts';

interface JsonPanel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: { refId?: string; datasource?: { type?: string; uid?: string } }[];
}

const dashboards = dashboardFiles().map((f) => f.dashboard);
const panelsOf = (d: (typeof dashboards)[number]): JsonPanel[] =>
  (d.panels ?? []).filter((p) => p.type !== 'row') as JsonPanel[];
/** Panel types that show no numbers, where the unit is `none`. */
const TEXTUAL_PANELS = new Set(['logs']);

describe('dashboards', () => {
  it('are the six dashboards, with the uids other tooling links to', () => {
    expect(dashboards.map((d) => d.uid).sort()).to.deep.equal(Object.values(DASHBOARD_UID).sort());
  });

  it('have unique uids of at most 40 characters', () => {
    const uids = dashboards.map((d) => d.uid ?? '');
    expect(new Set(uids).size).to.equal(uids.length);
    for (const uid of uids) expect(uid).to.match(/^[a-z0-9-]{1,40}$/);
  });

  it('give every panel, rows included, an id unique within its dashboard', () => {
    for (const d of dashboards) {
      const ids = (d.panels ?? []).map((p) => p.id);
      expect(
        ids.every((id) => typeof id === 'number'),
        d.uid,
      ).to.equal(true);
      expect(new Set(ids).size, d.uid).to.equal(ids.length);
    }
  });

  it('give every panel a title, a description and a unit', () => {
    for (const d of dashboards) {
      for (const p of panelsOf(d)) {
        const where = `${d.uid} / ${p.title}`;
        expect(p.title, where).to.be.a('string').and.not.empty;
        expect(p.description, where).to.be.a('string').and.have.length.greaterThan(20);
        const unit = p.fieldConfig?.defaults?.unit;
        expect(unit, where).to.be.a('string').and.not.empty;
        if (unit === 'none')
          expect(TEXTUAL_PANELS.has(p.type), `${where} shows numbers without a unit`).to.equal(true);
      }
    }
  });

  it('query only the provisioned datasources, by uid, one datasource per panel', () => {
    const provisioned = new Set<string>(Object.values(DATASOURCE_UID));
    for (const d of dashboards) {
      for (const p of panelsOf(d)) {
        const where = `${d.uid} / ${p.title}`;
        expect(p.targets, where).to.be.an('array').and.not.empty;
        expect(provisioned.has(p.datasource?.uid ?? ''), where).to.equal(true);
        for (const t of p.targets ?? []) expect(t.datasource, where).to.deep.equal(p.datasource);
      }
      for (const v of d.templating.list ?? []) {
        expect(
          provisioned.has((v.datasource as { uid?: string } | undefined)?.uid ?? ''),
          `${d.uid} $${v.name}`,
        ).to.equal(true);
      }
      for (const a of d.annotations.list ?? []) {
        const uid = (a.datasource as { uid?: string }).uid ?? '';
        expect(uid === '-- Grafana --' || provisioned.has(uid), `${d.uid} annotation ${a.name}`).to.equal(
          true,
        );
      }
    }
  });

  it('name the targets of every panel A, B, C... in order', () => {
    for (const d of dashboards) {
      for (const p of panelsOf(d)) {
        const refIds = (p.targets ?? []).map((t) => t.refId);
        const inOrder = refIds.map((_, i) => String.fromCharCode('A'.charCodeAt(0) + i));
        expect(refIds, `${d.uid} / ${p.title}`).to.deep.equal(inOrder);
      }
    }
  });

  it('offer namespace, service and pod variables filled from target labels', () => {
    const variables = listVariableQueries();
    for (const d of dashboards) {
      const names = variables.filter((v) => v.dashboardUid === d.uid).map((v) => v.name);
      expect(names, d.uid).to.deep.equal([TARGET_LABEL.namespace, TARGET_LABEL.service, TARGET_LABEL.pod]);
    }
    for (const v of variables) expect(v.label).to.equal(v.name);
  });

  it('list every panel query for the live check, marking exactly the cluster-only ones', () => {
    const queries = listPanelQueries();
    for (const d of dashboards) {
      for (const p of panelsOf(d)) {
        const listed = queries.filter((q) => q.dashboardUid === d.uid && q.panelId === p.id);
        expect(listed, `${d.uid} / ${p.title}`).to.have.length((p.targets ?? []).length);
      }
    }
    for (const q of queries) {
      expect(q.clusterOnly, `${q.dashboardUid} / ${q.panelTitle}`).to.equal(
        q.metrics.some((m) => CLUSTER_ONLY_METRIC_NAMES.has(m)),
      );
    }
    const pods = queries.filter((q) => q.dashboardUid === DASHBOARD_UID.pods);
    expect(pods.every((q) => q.clusterOnly)).to.equal(true);
    const overview = queries.filter((q) => q.dashboardUid === DASHBOARD_UID.overview);
    expect(overview.some((q) => q.clusterOnly)).to.equal(false);
  });

  it('store exemplars for the latency panels and mark releases', () => {
    const overview = dashboards.find((d) => d.uid === DASHBOARD_UID.overview);
    if (!overview) throw new Error('no overview dashboard');
    const latency = panelsOf(overview).find((p) => /latency p50/i.test(p.title ?? ''));
    expect(latency?.targets).to.be.an('array').and.not.empty;
    for (const t of latency?.targets ?? []) expect((t as { exemplar?: boolean }).exemplar).to.equal(true);
    expect(overview.annotations.list?.some((a) => a.name === 'Releases')).to.equal(true);
  });
});
