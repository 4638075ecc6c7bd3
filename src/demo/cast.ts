/**
 * Who and what the demo starts with, per locale: the company's bot and chats, the support
 * team, the customers the page can add, and a few canned replies for the inline box.
 */
import type { Reply } from "../replies/types.ts";
import type { Locale } from "../texts.ts";

/** A person the demo creates in the sandbox. */
export interface Person {
  first_name: string;
  last_name?: string;
  username?: string;
}

/** Everything the demo needs to set the scene in one language. */
export interface Cast {
  bot: { first_name: string; username: string };
  channelTitle: string;
  groupTitle: string;
  /** Where the desk is: the zone of its business hours (`hours.timezone`). */
  timezone: string;
  /** The config's staff, in order; the first one is the page's default commenter. */
  staff: Person[];
  /** Customers the page adds, in order ("+ customer"); the first exists from the start. */
  customers: Person[];
  replies: Reply[];
}

const EN: Cast = {
  bot: { first_name: "Acme Support", username: "acme_support_bot" },
  channelTitle: "Acme · Support desk",
  groupTitle: "Acme · Support desk chat",
  timezone: "Europe/London",
  staff: [
    { first_name: "Ana", last_name: "Agent", username: "ana_acme" },
    { first_name: "Bruno", last_name: "Agent", username: "bruno_acme" },
  ],
  customers: [
    { first_name: "Emma", last_name: "Johnson", username: "emma_j" },
    { first_name: "Liam", last_name: "Smith" },
    { first_name: "Sofia", last_name: "Rossi", username: "sofia_r" },
    { first_name: "Noah", last_name: "Brown" },
    { first_name: "Aiko", last_name: "Tanaka", username: "aiko_t" },
  ],
  replies: [
    {
      id: "hours",
      title: "Opening hours",
      text: "Hi {first_name}! We answer Monday to Friday, 9am to 6pm.",
      tags: ["schedule", "open", "time"],
    },
    {
      id: "delivery",
      title: "Delivery time",
      text: "Orders arrive within <b>5 business days</b>, {first_name}.",
      tags: ["shipping", "order"],
      parse_mode: "HTML",
    },
    {
      id: "refund",
      title: "Refunds",
      text: "You can ask for a refund within <i>30 days</i> of delivery: just send your order number here.",
      tags: ["return", "money"],
      parse_mode: "HTML",
    },
    {
      id: "thanks",
      title: "Thanks and goodbye",
      text: "Thank you, {name}! If you need anything else, just write here.",
      tags: ["bye", "close"],
    },
  ],
};

const PT: Cast = {
  bot: { first_name: "Acme Atendimento", username: "acme_atendimento_bot" },
  channelTitle: "Acme · Atendimento",
  groupTitle: "Acme · Atendimento (comentários)",
  timezone: "America/Sao_Paulo",
  staff: [
    { first_name: "Ana", last_name: "Atendente", username: "ana_acme" },
    { first_name: "Bruno", last_name: "Atendente", username: "bruno_acme" },
  ],
  customers: [
    { first_name: "Mariana", last_name: "Costa", username: "mari_costa" },
    { first_name: "João", last_name: "Pereira" },
    { first_name: "Beatriz", last_name: "Lima", username: "bia_lima" },
    { first_name: "Rafael", last_name: "Souza" },
    { first_name: "Camila", last_name: "Alves", username: "camila_a" },
  ],
  replies: [
    {
      id: "horario",
      title: "Horário de atendimento",
      text: "Olá, {first_name}! Atendemos de segunda a sexta, das 9h às 18h.",
      tags: ["expediente", "hora"],
    },
    {
      id: "prazo",
      title: "Prazo de entrega",
      text: "Os pedidos chegam em até <b>5 dias úteis</b>, {first_name}.",
      tags: ["frete", "entrega", "pedido"],
      parse_mode: "HTML",
    },
    {
      id: "reembolso",
      title: "Reembolso",
      text: "Você pode pedir o reembolso em até <i>30 dias</i> após a entrega: é só mandar o número do pedido aqui.",
      tags: ["devolução", "dinheiro"],
      parse_mode: "HTML",
    },
    {
      id: "obrigado",
      title: "Agradecimento e despedida",
      text: "Obrigado, {name}! Se precisar de mais alguma coisa, é só escrever aqui.",
      tags: ["tchau", "fim"],
    },
  ],
};

/** The demo's cast in a locale. */
export function castFor(locale: Locale): Cast {
  return locale === "pt-BR" ? PT : EN;
}

/**
 * The n-th customer the page adds (0-based): the cast's list, then the same names numbered,
 * so "+ customer" never runs out.
 */
export function customerAt(cast: Cast, n: number): Person {
  const base = cast.customers[n % cast.customers.length]!;
  const round = Math.floor(n / cast.customers.length);
  if (round === 0) return { ...base };
  const out: Person = { first_name: `${base.first_name} ${round + 1}` };
  if (base.last_name) out.last_name = base.last_name;
  if (base.username) out.username = `${base.username}${round + 1}`;
  return out;
}
