// What a site-chat visitor is looking at: the page now (live), the pages
// of this visit with times, where they came from, and with what browser.
import { useTranslation } from "react-i18next";
import type { CustomerContext } from "../../lib/types";
import { Fact } from "./ui";
import { dateTime, languageName, shortTime } from "./intl";

/** PageLink is an external page: one line, cut with an ellipsis, the
 * whole address in its title. */
function PageLink({ url, title }: { url: string; title?: string }) {
  return (
    <a className="page-link" href={url} target="_blank" rel="noopener noreferrer" title={title ? `${title}\n${url}` : url}>
      {title || url}
    </a>
  );
}

const DEVICE_ICON: Record<string, string> = { desktop: "🖥", mobile: "📱", tablet: "📱", bot: "🤖" };

export function hasVisit(c: CustomerContext | undefined): c is CustomerContext {
  return !!c && !!(c.page_url || c.pages?.length || c.browser || c.referrer);
}

/** Visit: online says the visitor's widget is connected now (the page is
 * where they are), else the page is the last one they were seen on. */
export function Visit({ context, online }: { context: CustomerContext; online: boolean }) {
  const { t, i18n } = useTranslation("contact");
  const pages = [...(context.pages ?? [])].reverse();
  const device = [context.browser, context.os].filter(Boolean).join(" · ");
  return (
    <>
      {context.page_url && (
        <div className={`now-on${online ? " online" : ""}`} role="group" aria-label={online ? t("visit.nowOn") : t("visit.lastPage")} aria-live="polite">
          <span className="muted small">
            {online ? t("visit.nowOn") : t("visit.lastPage")}
            {!online && context.last_seen_at && (
              <>
                {" · "}
                <time dateTime={context.last_seen_at}>{dateTime(context.last_seen_at, i18n.language)}</time>
              </>
            )}
          </span>
          <PageLink url={context.page_url} title={context.page_title} />
          {context.page_title && <span className="page-url muted small" title={context.page_url}>{context.page_url}</span>}
        </div>
      )}
      <dl className="facts">
        {context.referrer && (
          <Fact label={t("visit.referrer")}>
            <PageLink url={context.referrer} />
          </Fact>
        )}
        {device && (
          <Fact label={t("visit.browser")}>
            <span>
              <span aria-hidden="true">{DEVICE_ICON[context.device ?? ""] ?? ""}</span> {device}
              {context.device && <span className="muted small"> ({t(`visit.device.${context.device}`, { defaultValue: context.device })})</span>}
            </span>
          </Fact>
        )}
        {context.language && <Fact label={t("visit.language")}>{`${languageName(context.language, i18n.language)} (${context.language})`}</Fact>}
        {context.first_seen_at && (
          <Fact label={t("visit.firstSeen")}>
            <time dateTime={context.first_seen_at}>{dateTime(context.first_seen_at, i18n.language)}</time>
          </Fact>
        )}
      </dl>
      {pages.length > 0 && (
        <details className="pages" open={pages.length <= 5}>
          <summary>{t("visit.pages", { count: pages.length })}</summary>
          <ol aria-label={t("visit.pagesLabel")}>
            {pages.map((p, i) => (
              <li key={`${p.at}-${i}`}>
                <time dateTime={p.at} className="muted small">{shortTime(p.at, i18n.language)}</time>
                <PageLink url={p.url} title={p.title} />
              </li>
            ))}
          </ol>
        </details>
      )}
    </>
  );
}
