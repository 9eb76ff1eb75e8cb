from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from healthcheck.models import MAX_CAPACITY_FTE, ROLE_WORDS, ROLES
from healthcheck.services.users import Change
from healthcheck.web.validators import SingleLine

ROLE_CHOICES = [(r, _l(ROLE_WORDS[r])) for r in ROLES]


def _capacity(label=None) -> DecimalField:
    return DecimalField(
        label or _l("Capacity (FTE)"),
        default=1.0,
        places=2,
        validators=[DataRequired(), NumberRange(min=0.01, max=MAX_CAPACITY_FTE)],
    )


class NewUserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=200), SingleLine()])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="manager")
    password = PasswordField(
        _l("First password (tell them; they can be given a new one later)"), validators=[DataRequired()]
    )
    capacity_fte = _capacity()


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200), SingleLine()])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    active = BooleanField(_l("Active (may log in)"))
    capacity_fte = _capacity()

    def fill(self, user) -> None:
        self.name.data, self.role.data, self.active.data = user.name, user.role, user.active
        self.capacity_fte.data = user.capacity_fte

    def to_change(self) -> Change:
        return Change(
            name=self.name.data or "",
            role=self.role.data,
            active=bool(self.active.data),
            capacity_fte=float(self.capacity_fte.data),
        )
