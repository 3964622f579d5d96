import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../lib/api";
import { LanguageSwitch } from "../../components/LanguageSwitch";
import { useLogin } from "./auth";

export function LoginPage() {
  const { t } = useTranslation();
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email, password });
  };
  const err = login.error;
  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t("login.title")}</h1>
        <label>
          {t("login.email")}
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          {t("login.password")}
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {err && (
          <p role="alert" className="error">
            {err instanceof ApiError && err.status === 401 ? t("login.wrong") : t("error.generic", { message: err.message })}
          </p>
        )}
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? t("login.signingIn") : t("login.submit")}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
