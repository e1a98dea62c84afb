// GOV.UK Frontend: mark the page as having JavaScript (was an inline script; the CSP allows none).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
