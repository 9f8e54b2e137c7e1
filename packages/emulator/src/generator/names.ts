/** Name pools: people, organisations, device groups, tags, sites. */
import { permute32, type Rng, type SeedBase, Stream } from './prng.js';

export const FIRST_NAMES = [
  'james',
  'mary',
  'robert',
  'patricia',
  'john',
  'jennifer',
  'michael',
  'linda',
  'david',
  'elizabeth',
  'william',
  'barbara',
  'richard',
  'susan',
  'joseph',
  'jessica',
  'thomas',
  'sarah',
  'charles',
  'karen',
  'daniel',
  'lisa',
  'matthew',
  'nancy',
  'anthony',
  'betty',
  'mark',
  'sandra',
  'donald',
  'ashley',
  'steven',
  'kimberly',
  'paul',
  'emily',
  'andrew',
  'donna',
  'joshua',
  'michelle',
  'kenneth',
  'carol',
  'kevin',
  'amanda',
  'brian',
  'melissa',
  'george',
  'deborah',
  'timothy',
  'stephanie',
  'ronald',
  'rebecca',
  'jason',
  'sharon',
  'edward',
  'laura',
  'jeffrey',
  'cynthia',
  'ryan',
  'dorothy',
  'jacob',
  'amy',
  'lukas',
  'sofia',
  'mateo',
  'emma',
  'noah',
  'olivia',
  'liam',
  'mia',
  'hugo',
  'lea',
  'ahmed',
  'fatima',
  'wei',
  'yuki',
  'raj',
  'priya',
  'ivan',
  'olga',
  'jan',
  'eva',
  'pedro',
  'ana',
  'kofi',
  'amara',
] as const;

export const LAST_NAMES = [
  'smith',
  'johnson',
  'williams',
  'brown',
  'jones',
  'garcia',
  'miller',
  'davis',
  'rodriguez',
  'martinez',
  'hernandez',
  'lopez',
  'gonzalez',
  'wilson',
  'anderson',
  'thomas',
  'taylor',
  'moore',
  'jackson',
  'martin',
  'lee',
  'perez',
  'thompson',
  'white',
  'harris',
  'sanchez',
  'clark',
  'ramirez',
  'lewis',
  'robinson',
  'walker',
  'young',
  'allen',
  'king',
  'wright',
  'scott',
  'torres',
  'nguyen',
  'hill',
  'flores',
  'green',
  'adams',
  'nelson',
  'baker',
  'hall',
  'rivera',
  'campbell',
  'mitchell',
  'carter',
  'roberts',
  'mueller',
  'schmidt',
  'schneider',
  'fischer',
  'weber',
  'meyer',
  'wagner',
  'becker',
  'dubois',
  'moreau',
  'rossi',
  'russo',
  'ferrari',
  'jansen',
  'devries',
  'kowalski',
  'nowak',
  'novak',
  'svensson',
  'larsen',
  'tanaka',
  'suzuki',
  'wang',
  'li',
  'zhang',
  'chen',
  'patel',
  'sharma',
  'singh',
  'kim',
  'park',
  'okafor',
] as const;

export interface Org {
  /** DNS domain, e.g. `contoso.com`. */
  domain: string;
  /** NetBIOS domain, e.g. `CONTOSO`. */
  netbios: string;
  /** Internal AD DNS suffix, e.g. `corp.contoso.com`. */
  adSuffix: string;
  /** Domain SID prefix `S-1-5-21-a-b-c`. */
  domainSid: string;
  /** Azure subscription ids used in vmMetadata. */
  subscriptions: string[];
  /** Public egress IPs per site. */
  egress: Record<SiteKey, string[]>;
  /** Internal DNS servers / domain controllers. */
  dnsServers: string[];
}

const ORGS = [
  'contoso',
  'fabrikam',
  'northwind',
  'adatum',
  'tailspintoys',
  'woodgrovebank',
  'litware',
  'wingtiptoys',
];

export type SiteKey = 'hq' | 'branch' | 'office' | 'remote' | 'azure';

function publicIp(rng: Rng): string {
  const firsts = [23, 24, 38, 50, 64, 66, 71, 73, 76, 98, 104, 108, 131, 148, 162, 165, 173, 174, 199, 207];
  return [rng.pick(firsts), rng.range(1, 254), rng.range(0, 254), rng.range(1, 254)].join('.');
}

export function makeOrg(base: SeedBase): Org {
  const rng = base.rng(Stream.tenant, 1);
  const name = rng.pick(ORGS);
  const egress = {} as Record<SiteKey, string[]>;
  for (const site of ['hq', 'branch', 'office', 'azure'] as const) {
    const prefix = publicIp(rng).split('.').slice(0, 3).join('.');
    egress[site] = [0, 1, 2].map(() => `${prefix}.${rng.range(1, 254)}`);
  }
  egress.remote = [];
  return {
    domain: `${name}.com`,
    netbios: name.toUpperCase().slice(0, 15),
    adSuffix: `corp.${name}.com`,
    domainSid: `S-1-5-21-${rng.range(1000000000, 4000000000)}-${rng.range(1000000000, 4000000000)}-${rng.range(100000000, 4000000000)}`,
    subscriptions: [rng.guid(), rng.guid(), rng.guid()],
    egress,
    dnsServers: ['10.20.0.5', '10.20.0.6'],
  };
}

/** A random residential/mobile public IP for remote workers. */
export function residentialIp(rng: Rng): string {
  return publicIp(rng);
}

export interface Person {
  accountName: string;
  displayFirst: string;
  displayLast: string;
  /** RID part of the SID. */
  rid: number;
}

/** Person number `k` of the tenant (account names: initial + last name + disambiguating digits). */
export function person(base: SeedBase, k: number): Person {
  const h1 = base.hash(Stream.users, k, 1);
  const h2 = base.hash(Stream.users, k, 2);
  const first = FIRST_NAMES[h1 % FIRST_NAMES.length];
  const last = LAST_NAMES[h2 % LAST_NAMES.length];
  const p = permute32(k, base.words[3]) % 900;
  const suffix = k < 40 ? '' : String(p + 100 * (Math.floor(k / 900) + 1)).slice(-3);
  return {
    accountName: [first[0], last, suffix].join(''),
    displayFirst: first,
    displayLast: last,
    rid: 1100 + k,
  };
}

/** Entra object id of person `k`. */
export function personObjectId(base: SeedBase, k: number): string {
  return base.rng(Stream.users, k, 3).guid();
}

export interface RbacGroup {
  id: number;
  name: string;
}

export const RBAC_GROUPS: readonly RbacGroup[] = [
  { id: 140, name: 'Workstations - Corporate' },
  { id: 141, name: 'Workstations - Branch Offices' },
  { id: 152, name: 'Servers - Production' },
  { id: 153, name: 'Servers - Non-Production' },
  { id: 167, name: 'Executives and VIP' },
  { id: 171, name: 'Mac and Linux' },
];

export const MACHINE_TAGS = [
  'VIP',
  'Finance',
  'HR',
  'Engineering',
  'PCI',
  'Kiosk',
  'Pilot-Ring0',
  'Contractor',
  'Legacy',
  'DMZ',
  'Domain Controller',
  'SQL',
  'Citrix',
  'Sales',
  'BYOD',
] as const;
