'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cx } from '@/components/ui/cx';

export interface NavItem {
  href: string;
  label: string;
}

export interface NavSection {
  /** Small heading above the links; none for the first section. */
  title?: string;
  items: NavItem[];
}

/** Sidebar links; the one matching the current path (or a parent of it) is highlighted. */
export function SidebarNav({ sections }: { sections: NavSection[] }) {
  const pathname = usePathname() ?? '';
  return (
    <nav className="sidebar-nav" aria-label="Main">
      {sections.map((section, i) => (
        <div className="sidebar-section" key={section.title ?? i}>
          {section.title && <div className="sidebar-section-title">{section.title}</div>}
          <ul>
            {section.items.map((item) => {
              const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
              return (
                <li key={item.href}>
                  <Link href={item.href} className={cx('sidebar-link', active && 'active')} aria-current={active ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
