/**
 * The built-in automotive evaluation set: 20 customer questions a dealership assistant must handle,
 * across six categories. `generate` answers them with the fine-tuned model, `feedback` has the judge
 * score the answers, `evaluate` compares against the parent version on the same prompts. Ids are stable
 * (judgements and caches refer to them); add new prompts with new ids rather than editing old ones.
 */
export const promptCategories = ['sales', 'service', 'financing', 'parts', 'ev_charging', 'warranty'] as const;
export type PromptCategory = (typeof promptCategories)[number];

export const PROMPT_CATEGORY_LABELS: Record<PromptCategory, string> = {
  sales: 'Sales',
  service: 'Service',
  financing: 'Financing',
  parts: 'Parts',
  ev_charging: 'EV charging',
  warranty: 'Warranty',
};

export interface BuiltInPrompt {
  id: string;
  category: PromptCategory;
  prompt: string;
}

export const builtInPrompts: readonly BuiltInPrompt[] = [
  { id: 'sales-01', category: 'sales', prompt: 'I drive about 60 miles a day, mostly highway, and have two kids. Should I look at a compact SUV or a midsize sedan, and why?' },
  { id: 'sales-02', category: 'sales', prompt: 'What is the difference between the LX and EX trims of the compact SUV you have on the lot, and is the upgrade worth it for a family?' },
  { id: 'sales-03', category: 'sales', prompt: 'I want to trade in my 2017 sedan with 85,000 miles. How is its trade-in value determined and what can I do to get a better offer?' },
  { id: 'sales-04', category: 'sales', prompt: 'Can I schedule a test drive this Saturday, and what should I bring with me?' },
  { id: 'service-01', category: 'service', prompt: 'My dashboard shows a yellow engine light but the car drives normally. Is it safe to keep driving, and what should I do?' },
  { id: 'service-02', category: 'service', prompt: 'How often should I change the oil on a 2021 gasoline crossover if I mostly do short city trips in cold weather?' },
  { id: 'service-03', category: 'service', prompt: 'I hear a squealing noise when I brake. What could cause it, and how urgent is it to have it checked?' },
  { id: 'service-04', category: 'service', prompt: 'What is included in the 30,000-mile scheduled maintenance service and roughly how long does it take?' },
  { id: 'financing-01', category: 'financing', prompt: 'Should I lease or finance a new car if I drive 15,000 miles a year and like to change cars every three years?' },
  { id: 'financing-02', category: 'financing', prompt: 'My credit score is 640. What APR can I realistically expect on a 60-month auto loan, and how can I improve my offer?' },
  { id: 'financing-03', category: 'financing', prompt: 'What fees should I expect at signing besides the down payment, and which of them are negotiable?' },
  { id: 'parts-01', category: 'parts', prompt: 'Are OEM brake pads worth the extra cost over aftermarket ones for my daily commuter?' },
  { id: 'parts-02', category: 'parts', prompt: 'I need new wiper blades and a cabin air filter for a 2019 midsize sedan. Which parts do I need and can I install them myself?' },
  { id: 'parts-03', category: 'parts', prompt: 'How do I find the right replacement tire size for my car, and should I replace all four tires at once on an all-wheel-drive vehicle?' },
  { id: 'ev-01', category: 'ev_charging', prompt: 'What is the difference between Level 1, Level 2 and DC fast charging, and which do I need at home for a 40-mile daily commute?' },
  { id: 'ev-02', category: 'ev_charging', prompt: 'How much does it cost to charge an electric SUV at home compared with filling up a gasoline SUV each month?' },
  { id: 'ev-03', category: 'ev_charging', prompt: 'Does frequent DC fast charging damage the battery, and how should I charge to keep the battery healthy for years?' },
  { id: 'warranty-01', category: 'warranty', prompt: 'What does the powertrain warranty cover compared with the bumper-to-bumper warranty, and how long does each last?' },
  { id: 'warranty-02', category: 'warranty', prompt: 'Will using an independent repair shop for oil changes void my new-car warranty?' },
  { id: 'warranty-03', category: 'warranty', prompt: 'I received a recall notice for my airbag. What should I do, and will the repair cost me anything?' },
];
