/**
 * Reference data of the demo CRM: countries with believable USD rates, a Spanish sales pipeline
 * and package-content products. Weights say how common each one is.
 */
export interface DemoLocale {
  readonly code: string;
  readonly name: string;
  readonly currency: string;
  /** Units of local currency per 1 USD. */
  readonly rate: number;
  readonly weight: number;
}

export const DEMO_LOCALES: readonly DemoLocale[] = [
  { code: 'MX', name: 'México', currency: 'MXN', rate: 18.35, weight: 30 },
  { code: 'CO', name: 'Colombia', currency: 'COP', rate: 4012.5, weight: 17 },
  { code: 'CL', name: 'Chile', currency: 'CLP', rate: 941.2, weight: 11 },
  { code: 'PE', name: 'Perú', currency: 'PEN', rate: 3.742, weight: 10 },
  { code: 'AR', name: 'Argentina', currency: 'ARS', rate: 1185.75, weight: 9 },
  { code: 'US', name: 'United States', currency: 'USD', rate: 1, weight: 9 },
  { code: 'GT', name: 'Guatemala', currency: 'GTQ', rate: 7.712, weight: 7 },
  { code: 'ES', name: 'España', currency: 'EUR', rate: 0.921, weight: 7 },
];

export interface DemoStage {
  readonly name: string;
  readonly color: string;
}

/** The pipeline, in order; outcome stages (won, lost) are flags on the follow-up, not stages. */
export const DEMO_STAGES: readonly DemoStage[] = [
  { name: 'nuevo', color: 'secondary' },
  { name: 'contactado', color: 'primary' },
  { name: 'calificado', color: 'info' },
  { name: 'propuesta', color: 'dark' },
  { name: 'negociacion', color: 'warning' },
  { name: 'cierre', color: 'success' },
  { name: 'sin_respuesta', color: 'danger' },
];

export interface DemoProduct {
  readonly tag: string;
  readonly weight: number;
}

export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { tag: 'packageContent.electronics', weight: 18 },
  { tag: 'packageContent.clothing', weight: 16 },
  { tag: 'packageContent.documents', weight: 12 },
  { tag: 'packageContent.cosmetics', weight: 10 },
  { tag: 'packageContent.food', weight: 8 },
  { tag: 'packageContent.autoParts', weight: 7 },
  { tag: 'packageContent.medicalSupplies', weight: 6 },
  { tag: 'packageContent.jewelry', weight: 5 },
  { tag: 'packageContent.books', weight: 5 },
  { tag: 'packageContent.toys', weight: 5 },
  { tag: 'packageContent.furniture', weight: 4 },
  { tag: 'packageContent.sportsGear', weight: 4 },
];

export const FIRST_NAMES = [
  'Ana', 'Carlos', 'Lucía', 'Javier', 'María', 'Diego', 'Valentina', 'Andrés', 'Camila', 'Mateo',
  'Sofía', 'Santiago', 'Isabel', 'Fernando', 'Daniela', 'Ricardo', 'Paula', 'Tomás', 'Gabriela', 'Emilio',
] as const;

export const LAST_NAMES = [
  'Gómez', 'Ruiz', 'Hernández', 'Martínez', 'López', 'Castillo', 'Rojas', 'Vargas', 'Morales', 'Ortega',
  'Navarro', 'Paredes', 'Fuentes', 'Salazar', 'Cabrera', 'Mendoza', 'Aguilar', 'Ibarra', 'Reyes', 'Silva',
] as const;

export const COMPANY_PREFIXES = [
  'Grupo', 'Comercial', 'Distribuidora', 'Importadora', 'Logística', 'Industrias', 'Tienda', 'Moda',
  'Farmacia', 'Tecnología', 'Ferretería', 'Editorial', 'Alimentos', 'Boutique', 'Servicios',
] as const;

export const COMPANY_CORES = [
  'Andina', 'del Pacífico', 'Norte', 'Sol', 'Aurora', 'Cóndor', 'Maya', 'Austral', 'Quetzal', 'Río Claro',
  'Los Álamos', 'Nova', 'Delta', 'Cumbre', 'Horizonte', 'Cordillera', 'Atlántida', 'Vértice', 'Jaguar', 'Alba',
] as const;

export const COMPANY_SUFFIXES = ['S.A. de C.V.', 'S.A.S.', 'SpA', 'S.A.C.', 'S.R.L.', 'LLC', 'S.L.', ''] as const;

export const COMMENTS = [
  'Llamada de seguimiento, interesado en tarifas.',
  'Envié cotización por correo.',
  'Solicita demo de la plataforma.',
  'No contesta, reintentar la próxima semana.',
  'Negociando descuento por volumen.',
  'Pidió referencias de otros clientes.',
  'Reunión agendada con el gerente de logística.',
  'Compara con la competencia.',
] as const;
